#!/usr/bin/env bash
# Compiler wrapper for building mmcv 2.1.0 against torch >= 2.14.
#
# mmcv 2.1.0's setup.py hard-codes -std=c++14/-std=c++17, while the ATen
# headers of torch 2.14 require C++20. This wrapper calls g++ with the older
# standard flag replaced by -std=c++20 and passes every other argument through.
args=()
for arg in "$@"; do
  case "$arg" in
    -std=c++14 | -std=c++17) args+=("-std=c++20") ;;
    *) args+=("$arg") ;;
  esac
done
exec "${SEGFACE_REAL_CXX:-g++}" "${args[@]}"
