// The usage texts of compare and calibrate, apart from their code so the
// command table can show them without loading it.
import { DEFAULT_DB_PATH } from '../../results/store/default-path.ts';
import { LOCK_WAIT_USAGE } from '../run/lock-wait.ts';

const DEFAULT_INVENTORY = 'hosts/fleet.yaml';

export const COMPARE_USAGE = `usage: metalbench compare SPEC --base REF --head REF [options]
       metalbench compare --resume RUN
       metalbench compare OLD.txt NEW.txt            (unpaired: benchstat's statistics, no verdict)
       metalbench compare --base-run A --head-run B  (unpaired, from stored runs)

Runs base and head of the spec's suites in paired rounds on every selected
host and decides, per benchmark and unit, regression / improvement / no
change / inconclusive; regression candidates are confirmed in a new session.

  --base REF, --head REF   commits to compare; --head . is the working tree as it is
  --repo DIR               the git repository (default: the one holding the suites' module)
  --rounds R               paired rounds per host (default: the spec's rounds, else 16)
  --confirm-rounds R       rounds of the confirmation session (default: R, never fewer)
  --threshold P            practical threshold in percent (default 1); the noise floor raises it
  --no-confirm             report screening verdicts without a confirmation session
  --fail-on WHAT           regression (default), inconclusive, or never: what makes the exit status 1
  --markdown FILE          write a pull-request comment
  --profile KINDS          profile each confirmed regression, base and head: cpu,alloc,block,mutex,gc,
                           all or none (default cpu,alloc,gc); the comment gains a "where" section
  --json FILE              write every figure, seed, order and sample id as JSON
  --site-url URL           where \`metalbench site\` output is published: the comment, the JSON (pageUrl)
                           and the outcome link to the session's page, URL/compare/RUN.html
  --site-config FILE       take that address from a site configuration's base_url
                           (default: ./site.yaml when it exists, as \`metalbench site\` reads)
  ${LOCK_WAIT_USAGE}
  --seed S                 the session's seed (default: random, always recorded)
  --floor-sessions K       A/A sessions the noise floor looks back over (default 20)
  --base-go, --head-go V   toolchain per side through GOTOOLCHAIN, e.g. go1.25.5
  --base-env, --head-env K=V   environment per side, build and run (GOAMD64=v3, GOGC=200; repeat)
  --base-gcflags, --head-gcflags F   -gcflags per side
  --base-pgo, --head-pgo FILE        PGO profile per side
  --db PATH                results database (default ${DEFAULT_DB_PATH})
  --inventory PATH         host inventory (default ${DEFAULT_INVENTORY})

Exit status: 0 no confirmed regression, 1 confirmed regression (or what
--fail-on names), 2 bad input (nothing stored), 3 partial or invalid session.
`;

export const CALIBRATE_USAGE = `usage: metalbench calibrate SPEC [--base REF] [--rounds R] [--repo DIR] [--json FILE] [--markdown FILE] [--site-url URL] [--db PATH]

Runs an A/A comparison (head = base, default HEAD) and stores its estimates:
they make the noise floor that compare uses as its practical threshold.
`;

