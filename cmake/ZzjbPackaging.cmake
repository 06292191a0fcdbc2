# What `cmake --install` puts besides binaries, plugins and the SDK (those have their own rules):
# the systemd units, the system user, the example configuration, catalog and schema, the docs.
# Then CPack: `cpack -G DEB` in the build tree makes zzjb_<version>_<arch>.deb. See
# docs/operations.md.

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

# ---- CPack: one .deb with zzjb, its plugins, zzjb-mock and the software SKF token (IT staff
# rehearse with them), the plugin SDK, the units and the examples.
set(CPACK_PACKAGE_NAME zzjb)
set(CPACK_PACKAGE_VENDOR "zzjb")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
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

set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${CPACK_PACKAGE_CONTACT}")
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
find_program(ZZJB_DPKG_SHLIBDEPS dpkg-shlibdeps)
if(ZZJB_DPKG_SHLIBDEPS)
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
else()
  set(CPACK_DEBIAN_PACKAGE_DEPENDS
      "libssl3, libcurl4, libzip4, libpugixml1v5, libsqlite3-0, libstdc++6, libc6")
endif()
# systemd creates the user (sysusers.d) and runs the units; without it zzjb still runs by hand.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "systemd")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "softhsm2, opensc, pcscd")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${PROJECT_SOURCE_DIR}/config/debian/postinst
    ${PROJECT_SOURCE_DIR}/config/debian/prerm
    ${PROJECT_SOURCE_DIR}/config/debian/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)
