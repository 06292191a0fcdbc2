#!/bin/sh
# The forms' cases run as several CTest tests, one --gtest_filter each (CMakeLists.txt): checks
# that every filter selects at least one case and that no case is left out of all of them.
# usage: cases_test.sh FORMS_RENDER_TESTS FILTER...
set -eu
bin=$1
shift
all=""
for f in "$@"; do
  n=$("$bin" --gtest_list_tests --gtest_filter="$f" | grep -c '^  ' || true)
  echo "$f: $n cases"
  [ "$n" -gt 0 ] || { echo "filter $f selects no case"; exit 1; }
  all="${all:+$all:}$f"
done
left=$("$bin" --gtest_list_tests --gtest_filter="-$all")
if echo "$left" | grep -q '^  '; then
  echo "$left"
  echo "cases above are in no CTest test: add a filter in tests/integration/forms/CMakeLists.txt"
  exit 1
fi
