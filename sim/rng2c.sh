#! /bin/sh
# rng2c.sh NAME FILE: prints a C file that defines "const char NAME[]" with
# the contents of FILE.
set -e
name=$1
file=$2
printf '/* Generated from %s by sim/rng2c.sh: do not edit. */\n' "$file"
printf 'extern const char %s[];\n' "$name"
printf 'const char %s[] =\n' "$name"
sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/    "/' -e 's/$/\\n"/' "$file"
printf '    ;\n'
