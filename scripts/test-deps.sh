#!/usr/bin/env bash
# Installs the real parts the tests drive, from Debian, when they are missing:
#   postgresql  the second storage backend (npm test)
#   chromium    the browser tests (npm run test:e2e); never a downloaded browser
#   nginx       nginx-light, a reverse proxy in front of Gatehouse and an app (forward auth)
#   caddy       the other reverse proxy the forward-auth tests run
# Without root (no apt-get), a missing part stops the run here, saying what to install.
set -euo pipefail

missing=()
for part in "$@"; do
	case "$part" in
		postgresql) ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql) ;;
		chromium) [ -x /usr/bin/chromium ] || missing+=(chromium) ;;
		nginx) [ -x /usr/sbin/nginx ] || missing+=(nginx-light) ;;
		caddy) [ -x /usr/bin/caddy ] || missing+=(caddy) ;;
		*) echo "test-deps.sh: unknown part $part" >&2; exit 2 ;;
	esac
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
	echo "The tests need ${missing[*]}, which is not installed." >&2
	echo "Install it (Debian: sudo apt-get install -y ${missing[*]}) and run the tests again." >&2
	exit 1
fi
echo "Installing ${missing[*]} for the tests (apt-get) ..." >&2
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
