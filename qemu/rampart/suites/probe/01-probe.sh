# Records the QEMU machine as a rampart hardware profile (`rampart probe`), printed
# between markers for the host to keep (kconfig/profiles/qemu-x86_64.toml).
. /rampart/lib.sh
rampart probe -o /tmp/profile.toml || die "rampart probe failed"
echo "RAMPART-PROFILE: BEGIN"
cat /tmp/profile.toml
echo "RAMPART-PROFILE: END"
echo "profile: $(grep -c '^modalias = ' /tmp/profile.toml) devices, $(sed -n 's/^count = //p' /tmp/profile.toml) CPUs"
