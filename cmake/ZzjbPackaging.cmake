# What `cmake --install` puts besides binaries, plugins and the SDK (those have their own rules):
# the systemd units, the system user, the example configuration, catalog and schema, the docs.
# Then CPack: `cpack -G DEB` in the build tree makes three packages, zzjb, zzjb-dev and zzjb-mock
# (zzjb_<version>-<release>_<arch>.deb …). See docs/operations.md, "1. Install".

# Relative paths are under the prefix; /usr/lib/systemd/system and /usr/local/lib/systemd/system
# are both searched by systemd.
set(ZZJB_SYSTEMD_UNIT_DIR "lib/systemd/system" CACHE STRING
    "Where the systemd units are installed (relative to the prefix, or absolute)")
set(ZZJB_SYSUSERS_DIR "lib/sysusers.d" CACHE STRING
    "Where the sysusers.d file creating the zzjb user is installed (relative to the prefix)")

install(CODE "
  set(ZZJB_UNIT_SRC_DIR [[${PROJECT_SOURCE_DIR}/config/systemd]])
  set(ZZJB_UNIT_TMP_DIR [[${PROJECT_BINARY_DIR}/systemd-units]])
  set(ZZJB_UNIT_DIR [[${ZZJB_SYSTEMD_UNIT_DIR}]])
  set(ZZJB_UNIT_BINDIR [[${CMAKE_INSTALL_BINDIR}]])")
install(SCRIPT ${CMAKE_CURRENT_LIST_DIR}/ZzjbInstallUnits.cmake)
install(FILES ${PROJECT_SOURCE_DIR}/config/systemd/zzjb.sysusers
        DESTINATION ${ZZJB_SYSUSERS_DIR} RENAME zzjb.conf)

# No /etc/zzjb/zzjb.json is installed: the administrator writes it from the example.
install(FILES ${PROJECT_SOURCE_DIR}/config/zzjb.example.json
              ${PROJECT_SOURCE_DIR}/config/catalog.example.json
              ${PROJECT_SOURCE_DIR}/config/zzjb.schema.json
        DESTINATION ${CMAKE_INSTALL_DATADIR}/zzjb)
install(FILES ${PROJECT_SOURCE_DIR}/README.md
              ${PROJECT_SOURCE_DIR}/docs/operations.md
              ${PROJECT_SOURCE_DIR}/docs/identity.md
              ${PROJECT_SOURCE_DIR}/docs/plugins.md
        DESTINATION ${CMAKE_INSTALL_DOCDIR})

# ---- CPack: three .deb packages from one `cpack -G DEB` (docs/operations.md, "1. Install"):
#   zzjb       the CLI and daemon, the bundled plugins, the units, the sysusers file, examples, docs
#              (every install rule without a COMPONENT: CMAKE_INSTALL_DEFAULT_COMPONENT_NAME);
#   zzjb-dev   the plugin SDK (headers, find_package(zzjb)), the plugin template and the plugin
#              test kit zzjb-plugin-test (COMPONENT dev);
#   zzjb-mock  zzjb-mock and the software SKF token, for rehearsals (COMPONENT mock).
# The three share no shared library: zzjb's libraries are static, zzjb-plugin-test has zzjb-mock's
# server linked in. zzjb-dev depends on exactly its own zzjb because `zzjb plugins test` runs the
# zzjb-plugin-test beside it with zzjb's own arguments, and the kit loads plugins as that zzjb does.
set(CPACK_PACKAGE_NAME zzjb)
set(CPACK_PACKAGE_VENDOR "zzjb")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
# The Debian revision: 0.1.0 was shipped as one package `zzjb` holding all three; 0.1.0-1 is the
# first of the three. Back to 1 when PROJECT_VERSION moves; up by one for a change of packaging.
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
# The first version shipped as three packages: zzjb-dev and zzjb-mock take over files of a zzjb
# older than this (Replaces) and make dpkg upgrade it first (Breaks). It stays as it is when the
# version moves on.
set(CPACK_ZZJB_SPLIT_VERSION "0.1.0-1")
# The summary and description of the single package (CPACK_ZZJB_LAYOUT=single); each of the three
# has its own below (CPACK_DEBIAN_<COMPONENT>_DESCRIPTION).
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "skill-level declarations for Shanghai vocational schools, unattended")
set(CPACK_PACKAGE_DESCRIPTION
    "zzjb declares the graduating students of Shanghai's vocational schools for skill levels on
the HR & social security self-service platform: it checks the configuration and rosters,
fills in the paper forms, signs with the school's CA key (file, PKCS#11, SKF) and is run from
a systemd timer. Includes zzjb-mock (the platform emulated) and a software SKF token for
rehearsals, the certification-type plugins and the plugin SDK.")
set(CPACK_PACKAGE_CONTACT "zzjb maintainers <zzjb@localhost>")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_GENERATOR DEB)
set(CPACK_SOURCE_GENERATOR TGZ)
set(CPACK_SOURCE_IGNORE_FILES "/\\\\.git/" "/build/")

set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL zzjb dev mock)
set(CPACK_DEBIAN_ENABLE_COMPONENT_DEPENDS ON)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${CPACK_PACKAGE_CONTACT}")
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
find_program(ZZJB_DPKG_SHLIBDEPS dpkg-shlibdeps)
if(ZZJB_DPKG_SHLIBDEPS)
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
  set(_zzjb_libs "")
  set(_zzjb_dev_libs "")
else()
  set(_zzjb_libs "libssl3, libcurl4, libzip4, libpugixml1v5, libsqlite3-0, libstdc++6, libc6")
  set(_zzjb_dev_libs ", ${_zzjb_libs}")
endif()

# zzjb. systemd creates the user (sysusers.d) and runs the units; without it zzjb still runs by hand.
set(CPACK_DEBIAN_ZZJB_PACKAGE_NAME zzjb)
set(CPACK_DEBIAN_ZZJB_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_ZZJB_PACKAGE_DEPENDS "${_zzjb_libs}")
set(CPACK_DEBIAN_ZZJB_PACKAGE_RECOMMENDS "systemd")
set(CPACK_DEBIAN_ZZJB_PACKAGE_SUGGESTS "zzjb-mock, zzjb-dev, softhsm2, opensc, pcscd")
set(CPACK_DEBIAN_ZZJB_DESCRIPTION
    "skill-level declarations for Shanghai vocational schools, unattended
zzjb declares the graduating students of Shanghai's vocational schools for skill levels on
the HR & social security self-service platform: it checks the configuration and rosters,
fills in the paper forms, signs with the school's CA key (file, PKCS#11, SKF) and is run from
a systemd timer. Includes the bundled certification-type plugins. The mock platform is in
zzjb-mock, the plugin SDK and test kit in zzjb-dev.")
set(CPACK_DEBIAN_ZZJB_PACKAGE_CONTROL_EXTRA
    ${PROJECT_SOURCE_DIR}/config/debian/postinst
    ${PROJECT_SOURCE_DIR}/config/debian/prerm
    ${PROJECT_SOURCE_DIR}/config/debian/postrm)

# zzjb-dev: the template needs CMake 3.25, Boost's headers (zzjbConfig.cmake finds Boost 1.74) and
# a C++17 compiler; zzjb (= this version) through the component's DEPENDS.
set(CPACK_DEBIAN_DEV_PACKAGE_NAME zzjb-dev)
set(CPACK_DEBIAN_DEV_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_DEV_PACKAGE_DEPENDS
    "cmake (>= 3.25), libboost-dev (>= 1.74), g++ | c++-compiler${_zzjb_dev_libs}")
set(CPACK_DEBIAN_DEV_PACKAGE_BREAKS "zzjb (<< ${CPACK_ZZJB_SPLIT_VERSION})")
set(CPACK_DEBIAN_DEV_PACKAGE_REPLACES "zzjb (<< ${CPACK_ZZJB_SPLIT_VERSION})")
set(CPACK_DEBIAN_DEV_DESCRIPTION
    "plugin SDK and test kit for zzjb's certification types
The headers a certification-type plugin for zzjb is written against, the CMake package
(find_package(zzjb), zzjb_add_plugin), the plugin template in /usr/share/zzjb/plugin-template
and the plugin test kit that `zzjb plugins test` runs (zzjb-plugin-test, with the mock
platform built in).")

# zzjb-mock: stands alone (a rehearsal machine may have no zzjb); Enhances zzjb.
set(CPACK_DEBIAN_MOCK_PACKAGE_NAME zzjb-mock)
set(CPACK_DEBIAN_MOCK_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_MOCK_PACKAGE_DEPENDS "${_zzjb_libs}")
set(CPACK_DEBIAN_MOCK_PACKAGE_ENHANCES "zzjb")
set(CPACK_DEBIAN_MOCK_PACKAGE_BREAKS "zzjb (<< ${CPACK_ZZJB_SPLIT_VERSION})")
set(CPACK_DEBIAN_MOCK_PACKAGE_REPLACES "zzjb (<< ${CPACK_ZZJB_SPLIT_VERSION})")
set(CPACK_DEBIAN_MOCK_DESCRIPTION
    "mock HR self-service platform and software SKF token, for zzjb rehearsals
zzjb-mock emulates the Shanghai HR & social security self-service platform over HTTPS, with
its faults and reviews; zzjb-skf-mock and libzzjb_skf_mock.so are a software SKF (GM/T 0016)
token. IT staff rehearse a declaration with them before the real platform.")
# Scripts that do nothing, in place of CPack's ldconfig call (config/debian/zzjb-mock/postinst).
set(CPACK_DEBIAN_MOCK_PACKAGE_CONTROL_EXTRA ${PROJECT_SOURCE_DIR}/config/debian/zzjb-mock/postinst
    ${PROJECT_SOURCE_DIR}/config/debian/zzjb-mock/postrm)

# At packaging time (cmake/ZzjbCPackOptions.cmake): the layout before the split, for the upgrade
# test (`cpack -D CPACK_ZZJB_LAYOUT=single`), and each package's own summary.
set(CPACK_ZZJB_DEBIAN_SCRIPTS ${PROJECT_SOURCE_DIR}/config/debian/postinst
    ${PROJECT_SOURCE_DIR}/config/debian/prerm ${PROJECT_SOURCE_DIR}/config/debian/postrm)
set(CPACK_PROJECT_CONFIG_FILE ${CMAKE_CURRENT_LIST_DIR}/ZzjbCPackOptions.cmake)
include(CPack)
cpack_add_component(zzjb DISPLAY_NAME "zzjb" REQUIRED)
cpack_add_component(dev DISPLAY_NAME "zzjb-dev" DEPENDS zzjb)
cpack_add_component(mock DISPLAY_NAME "zzjb-mock")
