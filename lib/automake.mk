# The model shared by every part of ovs-tmirror: targets, filters, rules,
# sessions, their validation, and the reference evaluator.
noinst_LTLIBRARIES += lib/libtmirror.la
lib_libtmirror_la_SOURCES = \
	lib/tm-error.c \
	lib/tm-evaluate.c \
	lib/tm-examples.c \
	lib/tm-model.c \
	lib/tm-aws-cli.c \
	lib/tm-output.c \
	lib/tm-parse.c
lib_libtmirror_la_LIBADD = $(OVS_LIBOPENVSWITCH)
STYLE_FILES += $(lib_libtmirror_la_SOURCES)

# What a program of the project links.
TM_LIBS = lib/libtmirror.la $(OVS_LIBOPENVSWITCH)
