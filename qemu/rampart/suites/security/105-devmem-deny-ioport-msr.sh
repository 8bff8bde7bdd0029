# Raw I/O port access (iopl, ioperm) and MSR writes are denied to root.
. /rampart/lib.sh
expect_output "iopl: EPERM" rampart-probe iopl 3
expect_output "ioperm: EPERM" rampart-probe ioperm 0x80 1
expect_output "msr-write: EPERM" rampart-probe msr-write 0 0xc0000103 0
pending=$(events)
for object in ioport msr; do
	printf '%s\n' "$pending" | grep -F '"decision":"deny"' | grep -qF "\"object\":\"$object\"" || die "no deny event for $object"
done
echo "iopl, ioperm and MSR write: EPERM with events"
