# metalbench host facts. POSIX sh (dash, busybox ash); run as `sh -s < facts.sh`.
# Prints `key=value` lines. Every read is optional: a missing file (VM,
# container, ARM board) prints nothing for that key, never an error.
# Per-CPU topology is dumped raw as cpuN.FIELD lines and NUMA nodes as
# nodeN.FIELD lines; the parser derives sockets, cores and threads.
# The script starts a handful of processes, not one per file: every run
# probes its hosts before the first job, so this is start-up time.
PATH=/usr/sbin:/usr/bin:/sbin:/bin:$PATH
export LC_ALL=C
# FACTS_ROOT lets tests point the script at a fake /sys and /proc tree
# (a path without spaces: the file list below is split on them).
R=${FACTS_ROOT:-}
S=$R/sys/devices/system

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

# Every other fact is the first line of a file. They all go through one
# grep(1) (-H names each file, -s skips what cannot be read) and one sed(1)
# whose rules turn a file name into its key; `t` ends a line's rules at its
# first match. `files` and `rules` are built here, the files in the order
# grep reads them: thread_siblings_list comes before core_cpus_list, so the
# newer file wins where both exist.
files=
rules=
# file KEY PATH...: each PATH's first line is the fact KEY.
file() {
  while [ "$#" -ge 2 ]; do
    files="$files $2"
    rules="${rules}s|^$2:|$1=|p
t
"
    shift 2
  done
}
# also KEY PATH: PATH's first line is also the fact KEY, where PATH is read
# through a glob below (grep reads each file once; the line is copied
# before the glob's rule names it).
# The `t` to the label just after it clears the substitution flag, so the
# glob's rule still ends the line.
n_also=0
also() {
  n_also=$((n_also + 1))
  rules="${rules}\\|^$2:|{
h
s|^[^:]*:|$1=|p
g
t a$n_also
}
:a$n_also
"
}
# each RULE GLOB...: the files of every GLOB (expanded by grep's command
# line), named by the sed RULE.
each() {
  rules="${rules}$1
t
"
  shift
  files="$files $*"
}

file \
  cpu.midr "$S/cpu/cpu0/regs/identification/midr_el1" \
  cpu.microcode_sysfs "$S/cpu/cpu0/microcode/version" \
  cpus.online "$S/cpu/online" \
  cpus.present "$S/cpu/present" \
  cpus.possible "$S/cpu/possible" \
  cpus.offline "$S/cpu/offline" \
  cpus.isolated "$S/cpu/isolated" \
  cpus.nohz_full "$S/cpu/nohz_full" \
  smt.control "$S/cpu/smt/control" \
  smt.active "$S/cpu/smt/active" \
  nodes.online "$S/node/online" \
  cmdline "$R/proc/cmdline" \
  cpufreq.driver "$S/cpu/cpu0/cpufreq/scaling_driver" \
  cpufreq.boost "$S/cpu/cpufreq/boost" \
  intel_pstate.no_turbo "$S/cpu/intel_pstate/no_turbo" \
  intel_pstate.status "$S/cpu/intel_pstate/status" \
  amd_pstate.status "$S/cpu/amd_pstate/status" \
  cpuidle.driver "$S/cpu/cpuidle/current_driver" \
  aslr "$R/proc/sys/kernel/randomize_va_space" \
  perf_sample_rate "$R/proc/sys/kernel/perf_event_max_sample_rate" \
  thp.enabled "$R/sys/kernel/mm/transparent_hugepage/enabled" \
  thp.defrag "$R/sys/kernel/mm/transparent_hugepage/defrag" \
  loadavg "$R/proc/loadavg"
# /proc/meminfo and each node's meminfo begin with the MemTotal line.
each "s|^$R/proc/meminfo:MemTotal:[[:space:]]*\([0-9][0-9]*\).*|mem.total_kb=\1|p" "$R/proc/meminfo"
C="$S/cpu/cpu[0-9]*"
also cpufreq.governor "$S/cpu/cpu0/cpufreq/scaling_governor"
each 's|^.*/cpu\([0-9][0-9]*\)/online:|cpu\1.online=|p' "$C/online"
each 's|^.*/cpu\([0-9][0-9]*\)/topology/physical_package_id:|cpu\1.package=|p' "$C/topology/physical_package_id"
each 's|^.*/cpu\([0-9][0-9]*\)/topology/die_id:|cpu\1.die=|p' "$C/topology/die_id"
each 's|^.*/cpu\([0-9][0-9]*\)/topology/cluster_id:|cpu\1.cluster=|p' "$C/topology/cluster_id"
each 's|^.*/cpu\([0-9][0-9]*\)/topology/core_id:|cpu\1.core=|p' "$C/topology/core_id"
each 's|^.*/cpu\([0-9][0-9]*\)/topology/thread_siblings_list:|cpu\1.siblings=|p' "$C/topology/thread_siblings_list"
each 's|^.*/cpu\([0-9][0-9]*\)/topology/core_cpus_list:|cpu\1.siblings=|p' "$C/topology/core_cpus_list"
each 's|^.*/cpu\([0-9][0-9]*\)/cpu_capacity:|cpu\1.capacity=|p' "$C/cpu_capacity"
each 's|^.*/cpu\([0-9][0-9]*\)/cpufreq/scaling_governor:|cpu\1.governor=|p' "$C/cpufreq/scaling_governor"
each 's|^.*/cpu\([0-9][0-9]*\)/cpufreq/cpuinfo_max_freq:|cpu\1.max_freq=|p' "$C/cpufreq/cpuinfo_max_freq"
each 's|^.*/cpu/vulnerabilities/\([^/:]*\):|vuln.\1=|p' "$S/cpu/vulnerabilities/*"
N="$S/node/node[0-9]*"
each 's|^.*/node/node\([0-9][0-9]*\)/cpulist:|node\1.cpulist=|p' "$N/cpulist"
each 's|^.*/node/node\([0-9][0-9]*\)/distance:|node\1.distance=|p' "$N/distance"
each 's|^.*/node/node\([0-9][0-9]*\)/meminfo:.*MemTotal:[[:space:]]*\([0-9][0-9]*\).*|node\1.mem_kb=\2|p' "$N/meminfo"
# shellcheck disable=SC2086 # the list is split and its globs expanded on purpose
grep -s -H -m 1 '' $files 2>/dev/null | sed -n "$rules"

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
