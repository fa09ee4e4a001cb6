# The real Linux kernel beside the engine (issue 11): builds a small 6.12 kernel with the HMM test
# driver (lib/test_hmm.c) and boots it under QEMU to run the kernel's own hmm-tests and the oracle's
# differential fuzzer. Sourced by ./hmmlab; the verbs are `./hmmlab oracle build|selftests|fuzz`.
# Every step says what it does; every failure names its step and the log that holds the details.

ORACLE_DIR="$HMMLAB_HOME/oracle"
ORACLE_SOURCE_PACKAGE=linux-source-6.12
ORACLE_SOURCE_TARBALL=/usr/src/linux-source-6.12.tar.xz
ORACLE_PACKAGES=(linux-source-6.12 qemu-system-x86 busybox-static gcc make flex bison bc libelf-dev libssl-dev cpio xz-utils)
# Seconds one boot may take before it counts as a hang (software emulation; the selftests take ~10 s).
ORACLE_BOOT_TIMEOUT="${HMMLAB_ORACLE_BOOT_TIMEOUT:-300}"

oracle_die() { say "oracle: $1 failed: $2"; exit 1; }
oracle_say() { say "oracle: $*"; }

# --- packages ----------------------------------------------------------------------------------------

oracle_missing_packages() {
  local p
  for p in "${ORACLE_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || printf '%s\n' "$p"
  done
}

oracle_ensure_packages() {
  command -v dpkg-query >/dev/null || oracle_die "packages" "dpkg-query not found; the oracle needs Debian's ${ORACLE_PACKAGES[*]}"
  local missing
  missing="$(oracle_missing_packages | tr '\n' ' ' | sed 's/ *$//')"
  [[ -z "$missing" ]] && return 0
  if [[ "$(id -u)" -eq 0 ]]; then
    oracle_say "step packages: installing $missing"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq || oracle_die "packages" "apt-get update"
    # shellcheck disable=SC2086
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null \
      || oracle_die "packages" "apt-get install $missing"
  else
    oracle_die "packages" "missing Debian packages. Run as root: apt-get update && apt-get install -y --no-install-recommends $missing"
  fi
}

# --- cache layout ------------------------------------------------------------------------------------

oracle_hash() { cat "$@" | sha256sum | cut -c1-12; }  # contents only: the key must not depend on where the checkout is

# Sets ORACLE_CACHE (per source version and config hash) and ORACLE_SRC (the unpacked tree in it).
oracle_paths() {
  local ver
  ver="$(dpkg-query -W -f='${Version}' "$ORACLE_SOURCE_PACKAGE" 2>/dev/null)" \
    || oracle_die "packages" "$ORACLE_SOURCE_PACKAGE is not installed (run ./hmmlab oracle build)"
  ver="${ver//[^A-Za-z0-9.+-]/_}"
  ORACLE_CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/hmmlab/oracle/${ver}-$(oracle_hash "$ORACLE_DIR/kernel.config")"
  ORACLE_SRC="$ORACLE_CACHE/linux-source-6.12"
  ORACLE_LOGS="$ORACLE_CACHE/logs"
  mkdir -p "$ORACLE_LOGS"
}

# Runs "$@" with its output into log $1, printing a progress line every 200 lines of it.
oracle_logged() {
  local step="$1" log="$ORACLE_LOGS/$1.log"; shift
  local n=0 start=$SECONDS line
  : > "$log"
  oracle_say "step $step: $* (log: $log)"
  set +e
  ( "$@" 2>&1; echo "ORACLE-STEP-RC=$?" ) | while IFS= read -r line; do
    printf '%s\n' "$line" >> "$log"
    n=$((n + 1))
    if (( n % 200 == 0 )); then oracle_say "step $step: $n lines of output, $((SECONDS - start)) s"; fi
  done
  set -e
  local rc
  rc="$(sed -n 's/^ORACLE-STEP-RC=//p' "$log" | tail -1)"
  if [[ "$rc" != 0 ]]; then
    tail -n 25 "$log" >&2
    oracle_die "$step" "exit status ${rc:-unknown}; the full log is $log"
  fi
  oracle_say "step $step: done in $((SECONDS - start)) s"
}

# --- build steps -------------------------------------------------------------------------------------

oracle_step_unpack() {
  [[ -f "$ORACLE_CACHE/.unpacked" ]] && return 0
  [[ -f "$ORACLE_SOURCE_TARBALL" ]] || oracle_die "unpack" "$ORACLE_SOURCE_TARBALL is missing (package $ORACLE_SOURCE_PACKAGE)"
  rm -rf "$ORACLE_SRC" "$ORACLE_LOGS"/*.log
  oracle_logged unpack tar -xf "$ORACLE_SOURCE_TARBALL" -C "$ORACLE_CACHE"
  [[ -f "$ORACLE_SRC/Makefile" ]] || oracle_die "unpack" "no $ORACLE_SRC/Makefile after unpacking $ORACLE_SOURCE_TARBALL"
  touch "$ORACLE_CACHE/.unpacked"
}

# The configuration: tinyconfig, the committed fragment, olddefconfig; then checks that every option of
# the fragment survived olddefconfig (a dependency it lacks would silently drop it).
oracle_step_config() {
  [[ -f "$ORACLE_CACHE/.configured" ]] && return 0
  local args=() opt val line
  while IFS= read -r line; do
    line="${line%%#*}"; line="${line//[[:space:]]/}"
    [[ -z "$line" ]] && continue
    opt="${line%%=*}"; val="${line#*=}"
    case "$val" in
      y) args+=(-e "$opt") ;;
      n) args+=(-d "$opt") ;;
      *) oracle_die "config" "oracle/kernel.config: '$line' must be OPTION=y or OPTION=n" ;;
    esac
  done < "$ORACLE_DIR/kernel.config"
  oracle_logged config bash -c "cd '$ORACLE_SRC' && make tinyconfig && scripts/config ${args[*]} && make olddefconfig"
  while IFS= read -r line; do
    line="${line%%#*}"; line="${line//[[:space:]]/}"
    [[ -z "$line" ]] && continue
    opt="${line%%=*}"; val="${line#*=}"
    if [[ "$val" == y ]]; then
      grep -q "^CONFIG_$opt=y$" "$ORACLE_SRC/.config" \
        || oracle_die "config" "CONFIG_$opt=y did not survive make olddefconfig (a missing dependency?); see $ORACLE_SRC/.config"
    else
      ! grep -q "^CONFIG_$opt=[ym]$" "$ORACLE_SRC/.config" \
        || oracle_die "config" "CONFIG_$opt is still set after make olddefconfig; see $ORACLE_SRC/.config"
    fi
  done < "$ORACLE_DIR/kernel.config"
  touch "$ORACLE_CACHE/.configured"
}

oracle_step_kernel() {
  [[ -f "$ORACLE_CACHE/bzImage" ]] && return 0
  oracle_say "step kernel: building bzImage with $(nproc) jobs at nice 10; about 12-15 CPU-minutes cold"
  oracle_logged kernel nice -n 10 make -C "$ORACLE_SRC" -j"$(nproc)" bzImage headers
  cp "$ORACLE_SRC/arch/x86/boot/bzImage" "$ORACLE_CACHE/bzImage.tmp"
  mv "$ORACLE_CACHE/bzImage.tmp" "$ORACLE_CACHE/bzImage"
}

# The kernel's own selftest, unmodified, linked statically for the busybox initramfs.
oracle_step_selftest() {
  [[ -f "$ORACLE_CACHE/hmm-tests" ]] && return 0
  oracle_logged selftest bash -c "cd '$ORACLE_SRC' && gcc -static -O2 -I . -I tools/testing/selftests \
    tools/testing/selftests/mm/hmm-tests.c -lpthread -o '$ORACLE_CACHE/hmm-tests.tmp'"
  mv "$ORACLE_CACHE/hmm-tests.tmp" "$ORACLE_CACHE/hmm-tests"
}

# The fuzzer's guest interpreter, against this kernel's uapi headers, lib/test_hmm_uapi.h and
# mm/gup_test.h. Keyed by its source's hash, so editing it rebuilds only it.
oracle_step_guest() {
  local h
  h="$(oracle_hash "$ORACLE_DIR/guest/hmmfuzz.c")"
  [[ -f "$ORACLE_CACHE/hmmfuzz-$h" ]] && { ORACLE_GUEST="$ORACLE_CACHE/hmmfuzz-$h"; return 0; }
  oracle_logged guest gcc -static -O2 -Wall -Werror -I "$ORACLE_SRC/usr/include" -I "$ORACLE_SRC/lib" \
    -I "$ORACLE_SRC/mm" "$ORACLE_DIR/guest/hmmfuzz.c" -o "$ORACLE_CACHE/hmmfuzz-$h.tmp"
  find "$ORACLE_CACHE" -maxdepth 1 -name 'hmmfuzz-*' ! -name "hmmfuzz-$h.tmp" -delete
  mv "$ORACLE_CACHE/hmmfuzz-$h.tmp" "$ORACLE_CACHE/hmmfuzz-$h"
  ORACLE_GUEST="$ORACLE_CACHE/hmmfuzz-$h"
}

# The base initramfs: busybox, /init, hmm-tests and the guest interpreter. A fuzz run appends a second
# cpio archive holding its scripts (the kernel unpacks concatenated archives in order).
oracle_step_initramfs() {
  local h
  h="$(oracle_hash "$ORACLE_DIR/guest/init" "$ORACLE_CACHE/hmm-tests" "$ORACLE_GUEST" /bin/busybox)"
  ORACLE_INITRAMFS="$ORACLE_CACHE/initramfs-$h.cpio.gz"
  [[ -f "$ORACLE_INITRAMFS" ]] && return 0
  local root="$ORACLE_CACHE/initramfs-root"
  rm -rf "$root" "$ORACLE_CACHE"/initramfs-*.cpio.gz
  mkdir -p "$root"/{bin,sbin,proc,sys,dev,tmp,scripts}
  cp /bin/busybox "$root/bin/busybox"
  local applet
  for applet in sh mount mkdir cat echo basename sync poweroff; do ln -s busybox "$root/bin/$applet"; done
  ln -s ../bin/busybox "$root/sbin/poweroff"
  cp "$ORACLE_DIR/guest/init" "$root/init"
  cp "$ORACLE_CACHE/hmm-tests" "$root/hmm-tests"
  cp "$ORACLE_GUEST" "$root/hmmfuzz"
  chmod +x "$root/init" "$root/hmm-tests" "$root/hmmfuzz"
  oracle_logged initramfs bash -c "cd '$root' && find . | sort | cpio -o -H newc --quiet | gzip -9 > '$ORACLE_INITRAMFS.tmp'"
  mv "$ORACLE_INITRAMFS.tmp" "$ORACLE_INITRAMFS"
}

oracle_build() {
  local start=$SECONDS
  oracle_ensure_packages
  [[ -x /bin/busybox ]] || oracle_die "packages" "/bin/busybox is missing (package busybox-static)"
  oracle_paths
  oracle_say "cache: $ORACLE_CACHE"
  oracle_step_unpack
  oracle_step_config
  oracle_step_kernel
  oracle_step_selftest
  oracle_step_guest
  oracle_step_initramfs
  oracle_say "build: ready in $((SECONDS - start)) s (bzImage, hmm-tests, $(basename "$ORACLE_GUEST"), $(basename "$ORACLE_INITRAMFS"))"
}
