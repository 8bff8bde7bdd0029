# /dev/port is denied too.
. /rampart/lib.sh
expect_output "/dev/port: EPERM" rampart-probe open /dev/port
expect_event '"decision":"deny"' '"object":"/dev/port"'
