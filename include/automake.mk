noinst_HEADERS += \
	include/tmirror/error.h \
	include/tmirror/evaluate.h \
	include/tmirror/examples.h \
	include/tmirror/model.h \
	include/tmirror/output.h
