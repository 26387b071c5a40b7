noinst_HEADERS += \
	include/tmirror/error.h \
	include/tmirror/evaluate.h \
	include/tmirror/examples.h \
	include/tmirror/aws-cli.h \
	include/tmirror/model.h \
	include/tmirror/output.h

# Every public header, whichever automake.mk lists it, is in this folder.
STYLE_FILES += $(filter include/%,$(noinst_HEADERS))
