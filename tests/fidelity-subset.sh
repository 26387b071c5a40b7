#! /bin/sh
# The fixed-seed subset of "make check-fidelity" that "make check" runs:
# the regression topologies of tests/fidelity/ (each was once a
# disagreement between tm-sim and the network) and the first 30 seeds.
srcdir=${srcdir:-.}
set --
for f in "$srcdir"/tests/fidelity/*.xml; do
    if test -f "$f"; then
        set -- "$@" "$f"
    fi
done
exec "$srcdir/tests/tm-fidelity" --count=30 --seed=1 \
    --keep="$(pwd)/fidelity-disagreements" "$@"
