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
# cpuinfo KEY FIELD: first "FIELD : value" line of /proc/cpuinfo.
cpuinfo() {
  [ -r "$R/proc/cpuinfo" ] || return 0
  v=$(sed -n "/^$2[[:space:]]*:/{s/^[^:]*:[[:space:]]*//p;q;}" "$R/proc/cpuinfo" 2>/dev/null)
  [ -n "$v" ] && printf '%s=%s\n' "$1" "$v"
  return 0
}
has() { command -v "$1" >/dev/null 2>&1 && echo 1 || echo 0; }

echo 'format=metalbench-facts 1'
printf 'uname.s=%s\n' "$(uname -s 2>/dev/null)"
printf 'uname.m=%s\n' "$(uname -m 2>/dev/null)"
printf 'uname.r=%s\n' "$(uname -r 2>/dev/null)"
printf 'uname.v=%s\n' "$(uname -v 2>/dev/null)"
cpuinfo cpu.vendor vendor_id
cpuinfo cpu.model 'model name'
cpuinfo cpu.family 'cpu family'
cpuinfo cpu.modelnum model
cpuinfo cpu.stepping stepping
cpuinfo cpu.microcode microcode
cpuinfo cpu.implementer 'CPU implementer'
cpuinfo cpu.variant 'CPU variant'
cpuinfo cpu.part 'CPU part'
cpuinfo cpu.revision 'CPU revision'
cpuinfo cpu.hardware Hardware
cpuinfo cpu.flags flags
cpuinfo cpu.features Features
kv cpu.midr "$S/cpu/cpu0/regs/identification/midr_el1"
kv cpu.microcode_sysfs "$S/cpu/cpu0/microcode/version"

kv cpus.online "$S/cpu/online"
kv cpus.present "$S/cpu/present"
kv cpus.possible "$S/cpu/possible"
kv cpus.offline "$S/cpu/offline"
kv cpus.isolated "$S/cpu/isolated"
kv cpus.nohz_full "$S/cpu/nohz_full"
kv smt.control "$S/cpu/smt/control"
kv smt.active "$S/cpu/smt/active"

for d in "$S"/cpu/cpu[0-9]*; do
  [ -d "$d" ] || continue
  n=${d##*/cpu}
  kv "cpu$n.online" "$d/online"
  t=$d/topology
  kv "cpu$n.package" "$t/physical_package_id"
  kv "cpu$n.die" "$t/die_id"
  kv "cpu$n.cluster" "$t/cluster_id"
  kv "cpu$n.core" "$t/core_id"
  if [ -r "$t/core_cpus_list" ]; then kv "cpu$n.siblings" "$t/core_cpus_list"
  else kv "cpu$n.siblings" "$t/thread_siblings_list"; fi
  kv "cpu$n.capacity" "$d/cpu_capacity"
  kv "cpu$n.governor" "$d/cpufreq/scaling_governor"
  kv "cpu$n.max_freq" "$d/cpufreq/cpuinfo_max_freq"
done

for f in "$S"/cpu/vulnerabilities/*; do
  [ -f "$f" ] && kv "vuln.${f##*/}" "$f"
done

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

kv cmdline "$R/proc/cmdline"
kv cpufreq.driver "$S/cpu/cpu0/cpufreq/scaling_driver"
kv cpufreq.governor "$S/cpu/cpu0/cpufreq/scaling_governor"
kv cpufreq.boost "$S/cpu/cpufreq/boost"
kv intel_pstate.no_turbo "$S/cpu/intel_pstate/no_turbo"
kv intel_pstate.status "$S/cpu/intel_pstate/status"
kv amd_pstate.status "$S/cpu/amd_pstate/status"
kv cpuidle.driver "$S/cpu/cpuidle/current_driver"
kv aslr "$R/proc/sys/kernel/randomize_va_space"
kv perf_sample_rate "$R/proc/sys/kernel/perf_event_max_sample_rate"
kv thp.enabled "$R/sys/kernel/mm/transparent_hugepage/enabled"
kv thp.defrag "$R/sys/kernel/mm/transparent_hugepage/defrag"
if [ -r "$R/proc/meminfo" ]; then
  v=$(sed -n 's/^MemTotal:[[:space:]]*\([0-9]*\).*/\1/p' "$R/proc/meminfo" 2>/dev/null)
  [ -n "$v" ] && printf 'mem.total_kb=%s\n' "$v"
fi
kv loadavg "$R/proc/loadavg"
printf 'tool.taskset=%s\n' "$(has taskset)"
printf 'tool.numactl=%s\n' "$(has numactl)"
printf 'tool.lscpu=%s\n' "$(has lscpu)"
# lscpu -p is the fallback when sysfs topology is hidden (some containers).
if command -v lscpu >/dev/null 2>&1; then
  lscpu -p=CPU,CORE,SOCKET,NODE 2>/dev/null | sed -n '/^[0-9]/s/^/lscpu=/p'
fi
echo 'end=1'
exit 0
