# -*- autoconf -*-
#
# Copyright (c) 2026 The ovs-tmirror authors.
#
# Licensed under the Apache License, Version 2.0 (the "License");
# you may not use this file except in compliance with the License.
# You may obtain a copy of the License at:
#
#     http://www.apache.org/licenses/LICENSE-2.0
#
# Unless required by applicable law or agreed to in writing, software
# distributed under the License is distributed on an "AS IS" BASIS,
# WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
# See the License for the specific language governing permissions and
# limitations under the License.

dnl TM_CHECK_OVS
dnl
dnl Finds the Open vSwitch tree to build against.  With --with-ovs-source
dnl (and optionally --with-ovs-build, which defaults to the source tree) the
dnl given, already built tree is used as it is, in the manner of OVN.
dnl Without them the build unpacks the tarball of Debian's
dnl openvswitch-source package into ./ovs, applies ovs-plugin/patches and
dnl builds it; utilities/ovs-build.sh keeps that build as long as the
dnl tarball and the patches are unchanged.
AC_DEFUN([TM_CHECK_OVS], [
  AC_ARG_WITH([ovs-source],
    [AS_HELP_STRING([--with-ovs-source=DIR],
                    [use the built Open vSwitch source tree in DIR])],
    [], [with_ovs_source=no])
  AC_ARG_WITH([ovs-build],
    [AS_HELP_STRING([--with-ovs-build=DIR],
                    [Open vSwitch build tree, when apart from the source])],
    [], [with_ovs_build=no])
  AC_ARG_WITH([ovs-tarball],
    [AS_HELP_STRING([--with-ovs-tarball=FILE],
                    [Open vSwitch tarball to build when no --with-ovs-source
                     is given (default: /usr/src/openvswitch/openvswitch.tar.gz)])],
    [], [with_ovs_tarball=/usr/src/openvswitch/openvswitch.tar.gz])

  AC_MSG_CHECKING([for the Open vSwitch tree])
  if test "$with_ovs_source" != no; then
    OVS_SRCDIR=`cd "$with_ovs_source" 2>/dev/null && pwd`
    if test -z "$OVS_SRCDIR" || test ! -f "$OVS_SRCDIR/lib/ofp-actions.c"; then
      AC_MSG_ERROR([--with-ovs-source=$with_ovs_source is not an Open vSwitch source tree])
    fi
    if test "$with_ovs_build" != no; then
      OVS_BUILDDIR=`cd "$with_ovs_build" 2>/dev/null && pwd`
    else
      OVS_BUILDDIR=$OVS_SRCDIR
    fi
    if test -z "$OVS_BUILDDIR" || test ! -f "$OVS_BUILDDIR/config.h" \
       || test ! -f "$OVS_BUILDDIR/lib/libopenvswitch.la"; then
      AC_MSG_ERROR([no built Open vSwitch in ${with_ovs_build:-$with_ovs_source} (need config.h and lib/libopenvswitch.la): build it first, or configure without --with-ovs-source])
    fi
    dnl The newest part of ovs-plugin/patches that the project uses: the
    dnl vxlan_mirror action's counters (0004).
    if test ! -f "$OVS_SRCDIR/include/openvswitch/ofp-vxlan-mirror.h"; then
      AC_MSG_ERROR([$OVS_SRCDIR lacks the vxlan_mirror action and its counters: apply ovs-plugin/patches/*.patch to it (patch -p1, in name order) and rebuild it, or configure without --with-ovs-source])
    fi
    OVS_TARBALL=
    AC_MSG_RESULT([$OVS_SRCDIR (prebuilt)])
  else
    if test "$with_ovs_build" != no; then
      AC_MSG_ERROR([--with-ovs-build needs --with-ovs-source])
    fi
    if test ! -r "$with_ovs_tarball"; then
      AC_MSG_ERROR([$with_ovs_tarball not found: install Debian's openvswitch-source (utilities/install-deps.sh) or give --with-ovs-source])
    fi
    OVS_TARBALL=`cd \`dirname "$with_ovs_tarball"\` && pwd`/`basename "$with_ovs_tarball"`
    OVS_SRCDIR=`pwd`/ovs
    OVS_BUILDDIR=$OVS_SRCDIR
    AC_MSG_RESULT([$OVS_TARBALL, built in $OVS_SRCDIR by make])
  fi
  AM_CONDITIONAL([BUILD_OVS], [test -n "$OVS_TARBALL"])
  AC_SUBST([OVS_TARBALL])
  AC_SUBST([OVS_SRCDIR])
  AC_SUBST([OVS_BUILDDIR])
  OVS_CPPFLAGS="-I$OVS_BUILDDIR -I$OVS_SRCDIR/include -I$OVS_BUILDDIR/include -I$OVS_SRCDIR/lib -I$OVS_BUILDDIR/lib -I$OVS_SRCDIR"
  AC_SUBST([OVS_CPPFLAGS])
  OVS_LIBOPENVSWITCH=$OVS_BUILDDIR/lib/libopenvswitch.la
  AC_SUBST([OVS_LIBOPENVSWITCH])
])

dnl TM_CHECK_CUNIT
AC_DEFUN([TM_CHECK_CUNIT], [
  AC_CHECK_HEADER([CUnit/Basic.h], [],
    [AC_MSG_ERROR([CUnit not found: install libcunit1-dev (utilities/install-deps.sh)])])
  AC_CHECK_LIB([cunit], [CU_initialize_registry], [CUNIT_LIBS=-lcunit],
    [AC_MSG_ERROR([libcunit not found: install libcunit1-dev])])
  AC_SUBST([CUNIT_LIBS])
])

dnl TM_CHECK_LIBXML2
AC_DEFUN([TM_CHECK_LIBXML2], [
  PKG_CHECK_MODULES([LIBXML2], [libxml-2.0], [],
    [AC_MSG_ERROR([libxml2 not found: install libxml2-dev (utilities/install-deps.sh)])])
])

dnl TM_ENABLE_WERROR
AC_DEFUN([TM_ENABLE_WERROR], [
  AC_ARG_ENABLE([Werror],
    [AS_HELP_STRING([--enable-Werror], [add -Werror to CFLAGS])],
    [], [enable_Werror=no])
  TM_WARNING_CFLAGS="-Wall -Wextra -Wno-sign-compare -Wpointer-arith -Wformat -Wformat-security -Wswitch-enum -Wstrict-prototypes -Wold-style-definition -Wmissing-prototypes -Wmissing-field-initializers -Wshadow"
  if test "$enable_Werror" = yes; then
    TM_WARNING_CFLAGS="$TM_WARNING_CFLAGS -Werror"
  fi
  AC_SUBST([TM_WARNING_CFLAGS])
])
