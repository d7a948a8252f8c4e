# metalbench host facts. POSIX sh (dash, busybox ash); run as `sh -s < facts.sh`.
# Prints `key=value` lines. Every read is optional: a missing file (VM,
# container, ARM board) prints nothing for that key, never an error.
# Per-CPU topology is dumped raw as cpuN.FIELD lines and NUMA nodes as
# nodeN.FIELD lines; the parser derives sockets, cores and threads.
PATH=/usr/sbin:/usr/bin:/sbin:/bin:$PATH
export LC_ALL=C
# FACTS_ROOT lets tests point the script at a fake /sys and /proc tree.
R=${FACTS_ROOT:-}
S=$R/sys/devices/system

# kv KEY FILE: first line of FILE, when it can be read.
kv() {
  if [ -r "$2" ]; then
    v=$(head -n 1 "$2" 2>/dev/null) && printf '%s=%s\n' "$1" "$v"
  fi
  return 0
}
# kvs KEY FILE [KEY FILE ...]: kv for many files with one grep(1); the
# positional parameters end up holding just the files.
kvs() {
  prog=
  n=$(($# / 2))
  while [ "$n" -gt 0 ]; do
    prog="${prog}s|^$2:|$1=|p;"
    k=$2
    shift 2
    set -- "$@" "$k"
    n=$((n - 1))
  done
  grep -s -H -m 1 '' "$@" 2>/dev/null | sed -n "$prog"
  return 0
}
has() { command -v "$1" >/dev/null 2>&1 && echo 1 || echo 0; }

echo 'format=metalbench-facts 1'
# Name, release and machine have no spaces: one uname(1) for the three.
# shellcheck disable=SC2046 # split into words on purpose
set -- $(uname -s -r -m 2>/dev/null)
printf 'uname.s=%s\n' "${1:-}"
printf 'uname.m=%s\n' "${3:-}"
printf 'uname.r=%s\n' "${2:-}"
printf 'uname.v=%s\n' "$(uname -v 2>/dev/null)"
# The first value of each field of /proc/cpuinfo, in one pass (ARM boards
# put Hardware at the end, after the per-CPU blocks).
if [ -r "$R/proc/cpuinfo" ]; then
  awk -F: '
    BEGIN {
      n = split("vendor_id|model name|cpu family|model|stepping|microcode|CPU implementer|CPU variant|CPU part|CPU revision|Hardware|flags|Features", f, "|")
      split("cpu.vendor|cpu.model|cpu.family|cpu.modelnum|cpu.stepping|cpu.microcode|cpu.implementer|cpu.variant|cpu.part|cpu.revision|cpu.hardware|cpu.flags|cpu.features", k, "|")
      for (i = 1; i <= n; i++) key[f[i]] = k[i]
    }
    {
      name = $1; sub(/[ \t]+$/, "", name)
      if (!(name in key) || (name in seen)) next
      seen[name] = 1
      v = substr($0, index($0, ":") + 1); sub(/^[ \t]+/, "", v)
      if (v != "") print key[name] "=" v
    }' "$R/proc/cpuinfo" 2>/dev/null
fi
kvs \
  cpu.midr "$S/cpu/cpu0/regs/identification/midr_el1" \
  cpu.microcode_sysfs "$S/cpu/cpu0/microcode/version" \
  cpus.online "$S/cpu/online" \
  cpus.present "$S/cpu/present" \
  cpus.possible "$S/cpu/possible" \
  cpus.offline "$S/cpu/offline" \
  cpus.isolated "$S/cpu/isolated" \
  cpus.nohz_full "$S/cpu/nohz_full" \
  smt.control "$S/cpu/smt/control" \
  smt.active "$S/cpu/smt/active"

# Per-CPU files and vulnerabilities through one grep(1) each: a process per
# file (head) costs seconds on a many-core host. A file that cannot be read
# prints nothing (-s); the sed names each file's key. thread_siblings_list
# comes before core_cpus_list, so the newer file wins where both exist.
C="$S/cpu/cpu[0-9]*"
# shellcheck disable=SC2086 # the globs are meant to expand
grep -s -H -m 1 '' $C/online $C/topology/physical_package_id $C/topology/die_id $C/topology/cluster_id \
  $C/topology/core_id $C/topology/thread_siblings_list $C/topology/core_cpus_list $C/cpu_capacity \
  $C/cpufreq/scaling_governor $C/cpufreq/cpuinfo_max_freq 2>/dev/null | sed -n \
  -e 's|^.*/cpu\([0-9][0-9]*\)/online:|cpu\1.online=|p' \
  -e 's|^.*/cpu\([0-9][0-9]*\)/topology/physical_package_id:|cpu\1.package=|p' \
  -e 's|^.*/cpu\([0-9][0-9]*\)/topology/die_id:|cpu\1.die=|p' \
  -e 's|^.*/cpu\([0-9][0-9]*\)/topology/cluster_id:|cpu\1.cluster=|p' \
  -e 's|^.*/cpu\([0-9][0-9]*\)/topology/core_id:|cpu\1.core=|p' \
  -e 's|^.*/cpu\([0-9][0-9]*\)/topology/thread_siblings_list:|cpu\1.siblings=|p' \
  -e 's|^.*/cpu\([0-9][0-9]*\)/topology/core_cpus_list:|cpu\1.siblings=|p' \
  -e 's|^.*/cpu\([0-9][0-9]*\)/cpu_capacity:|cpu\1.capacity=|p' \
  -e 's|^.*/cpu\([0-9][0-9]*\)/cpufreq/scaling_governor:|cpu\1.governor=|p' \
  -e 's|^.*/cpu\([0-9][0-9]*\)/cpufreq/cpuinfo_max_freq:|cpu\1.max_freq=|p'

grep -s -H -m 1 '' "$S"/cpu/vulnerabilities/* 2>/dev/null | sed -n 's|^.*/vulnerabilities/\([^/:]*\):|vuln.\1=|p'

kv nodes.online "$S/node/online"
for d in "$S"/node/node[0-9]*; do
  [ -d "$d" ] || continue
  n=${d##*/node}
  kv "node$n.cpulist" "$d/cpulist"
  kv "node$n.distance" "$d/distance"
  if [ -r "$d/meminfo" ]; then
    v=$(sed -n 's/.*MemTotal:[[:space:]]*\([0-9]*\).*/\1/p' "$d/meminfo" 2>/dev/null)
    [ -n "$v" ] && printf 'node%s.mem_kb=%s\n' "$n" "$v"
  fi
done

kvs \
  cmdline "$R/proc/cmdline" \
  cpufreq.driver "$S/cpu/cpu0/cpufreq/scaling_driver" \
  cpufreq.governor "$S/cpu/cpu0/cpufreq/scaling_governor" \
  cpufreq.boost "$S/cpu/cpufreq/boost" \
  intel_pstate.no_turbo "$S/cpu/intel_pstate/no_turbo" \
  intel_pstate.status "$S/cpu/intel_pstate/status" \
  amd_pstate.status "$S/cpu/amd_pstate/status" \
  cpuidle.driver "$S/cpu/cpuidle/current_driver" \
  aslr "$R/proc/sys/kernel/randomize_va_space" \
  perf_sample_rate "$R/proc/sys/kernel/perf_event_max_sample_rate" \
  thp.enabled "$R/sys/kernel/mm/transparent_hugepage/enabled" \
  thp.defrag "$R/sys/kernel/mm/transparent_hugepage/defrag"
if [ -r "$R/proc/meminfo" ]; then
  v=$(sed -n 's/^MemTotal:[[:space:]]*\([0-9]*\).*/\1/p' "$R/proc/meminfo" 2>/dev/null)
  [ -n "$v" ] && printf 'mem.total_kb=%s\n' "$v"
fi
kv loadavg "$R/proc/loadavg"
printf 'tool.taskset=%s\n' "$(has taskset)"
printf 'tool.numactl=%s\n' "$(has numactl)"
printf 'tool.lscpu=%s\n' "$(has lscpu)"
# lscpu -p is the fallback when sysfs topology is hidden (some containers);
# with sysfs topology it is not run (it is slow, and its lines unused).
need_lscpu=1
for f in "$S"/cpu/cpu[0-9]*/topology/core_id; do
  if [ -r "$f" ]; then need_lscpu=0; else need_lscpu=1; break; fi
done
if [ "$need_lscpu" = 1 ] && command -v lscpu >/dev/null 2>&1; then
  lscpu -p=CPU,CORE,SOCKET,NODE 2>/dev/null | sed -n '/^[0-9]/s/^/lscpu=/p'
fi
echo 'end=1'
exit 0
