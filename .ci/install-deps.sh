#!/usr/bin/env bash
# Installs the Debian packages cadence needs to build, run and test, and only those
# that are missing. It says what it installs. Run as root, or as a user with sudo.
#
#   .ci/install-deps.sh           build + run + test dependencies
#   .ci/install-deps.sh --build   only what building needs
#   .ci/install-deps.sh --bench   all of the above, plus the terminals bench/terminals.py
#                                 compares cadence with (make bench)
set -euo pipefail

build_pkgs=(
  meson ninja-build pkgconf g++ python3
  libwayland-dev libwayland-bin wayland-protocols libxkbcommon-dev
  libegl-dev libgles-dev libegl-mesa0 libgl1-mesa-dri
  libfreetype-dev libfontconfig-dev fonts-dejavu-core
  liblua5.4-dev libzstd-dev libssh-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  scdoc unicode-data
  # The test pointer (tests/tools) is built with KWin's fake-input.xml from here, so the
  # tests configure only with it; it is data, nothing of KDE is linked.
  plasma-wayland-protocols
)
test_pkgs=(
  sway grim wtype foot wl-clipboard
  clang libclang-rt-14-dev clang-format
  procps util-linux psmisc
  fonts-noto-color-emoji fonts-wqy-microhei fonts-firacode
  ncurses-bin desktop-file-utils libnotify-bin mako-notifier dbus
  # Headless KWin (tests/headless/kwin.py): fractional scale, maximize and minimize,
  # which sway 1.7 does not do.
  kwin-wayland
  # The SSH tests start their own sshd (tests/tools/cadence-test-sshd) and use
  # ssh-keygen, ssh-agent and ssh-add; they never use the machine's own sshd.
  openssh-server openssh-client
)
# foot is already a test dependency.
bench_pkgs=(alacritty kitty)

pkgs=("${build_pkgs[@]}")
case "${1:-}" in
  --build) ;;
  --bench) pkgs+=("${test_pkgs[@]}" "${bench_pkgs[@]}") ;;
  "") pkgs+=("${test_pkgs[@]}") ;;
  *) echo "usage: $0 [--build | --bench]" >&2; exit 2 ;;
esac

missing=()
for p in "${pkgs[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
  [ "$status" = "installed" ] || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#pkgs[@]} packages are installed"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
sudo=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-deps: not root and no sudo; install these yourself: ${missing[*]}" >&2; exit 1; }
  sudo=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
# An old or missing package list makes installs fail; refresh it once.
"${sudo[@]}" apt-get update -q >/dev/null
"${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps: done"
