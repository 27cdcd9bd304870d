#!/usr/bin/env bash
# Packages Warden for stage `ci` and lints the CloudFormation it deploys (DESIGN.md §8).
#   1. `serverless package --stage ci` (osls + serverless-esbuild): one zip per function and
#      .serverless/cloudformation-template-update-stack.json. Runs with AWS credentials removed
#      from the environment: packaging must need no AWS account and no network.
#   2. cfn-lint on the packaged template and on infra/cloudformation/region-forwarder.yml.
# The contract tests (npx jest --selectProjects contract) then read the fresh package.
set -euo pipefail
cd "$(dirname "$0")/.."

fail() { printf 'package-and-lint: %s\n' "$*" >&2; exit 1; }

if ! command -v cfn-lint >/dev/null 2>&1; then
  fail "cfn-lint not found: install it with pip install cfn-lint"
fi
[[ -x node_modules/.bin/serverless ]] || fail "node_modules/.bin/serverless not found: run npm ci first"

# The default deployment is notify-only (stage parameter enforcement=disabled): no write
# permission at all. CI scans that template with Warden itself (.ci/run); stage ci above is the
# enforce-capable one, whose write permissions the contract tests check. Packaged first:
# `serverless package` clears .serverless/ even when told to write elsewhere.
notify_only=.serverless-notify-only
echo "package: serverless package --stage ci --param enforcement=disabled --package $notify_only"
rm -rf "$notify_only"
if ! env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY -u AWS_SESSION_TOKEN -u AWS_PROFILE \
     -u AWS_DEFAULT_PROFILE -u AWS_CONTAINER_CREDENTIALS_FULL_URI -u AWS_CONTAINER_CREDENTIALS_RELATIVE_URI \
     AWS_EC2_METADATA_DISABLED=true \
     node_modules/.bin/serverless package --stage ci --param="enforcement=disabled" --package "$notify_only"; then
  fail "serverless package of the notify-only template failed (see the output above)"
fi
notify_template="$notify_only/cloudformation-template-update-stack.json"
[[ -f "$notify_template" ]] || fail "serverless package produced no $notify_template"
if grep -q RemediateWritesPolicy "$notify_template"; then fail "$notify_template carries the remediator's write policy"; fi

echo "package: serverless package --stage ci (no AWS credentials in the environment)"
rm -rf .serverless
if ! env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY -u AWS_SESSION_TOKEN -u AWS_PROFILE \
     -u AWS_DEFAULT_PROFILE -u AWS_CONTAINER_CREDENTIALS_FULL_URI -u AWS_CONTAINER_CREDENTIALS_RELATIVE_URI \
     AWS_EC2_METADATA_DISABLED=true \
     node_modules/.bin/serverless package --stage ci; then
  fail "serverless package --stage ci failed (see the output above)"
fi

template=.serverless/cloudformation-template-update-stack.json
[[ -f "$template" ]] || fail "serverless package produced no $template"
for fn in detectIam detectLambda remediate notifySlack sweep; do
  [[ -f ".serverless/$fn.zip" ]] || fail "serverless package produced no .serverless/$fn.zip"
done
echo "package: ok"
ls -l .serverless/*.zip | awk '{ printf "  %-28s %9d bytes\n", $NF, $5 }'


status=0
lint() {
  echo "cfn-lint ($(cfn-lint --version)): $*"
  if cfn-lint "$@"; then
    echo "cfn-lint: ok"
  else
    echo "cfn-lint: FAILED on ${*: -1}" >&2
    status=1
  fi
}
lint -- "$template"
lint -- "$notify_template"
lint --regions us-east-1 eu-west-1 ap-southeast-2 -- infra/cloudformation/region-forwarder.yml

[[ $status -eq 0 ]] || fail "cfn-lint reported problems (see above)"
echo "package-and-lint: ok"
