# Read by cpack at packaging time (CPACK_PROJECT_CONFIG_FILE, cmake/ZzjbPackaging.cmake), after
# CPackConfig.cmake and any `cpack -D`.

if(CPACK_ZZJB_LAYOUT STREQUAL "single")
  # The layout shipped before the split: one package `zzjb` with everything (mock, SKF token, SDK,
  # test kit), version without a Debian revision (0.1.0). Only the upgrade test builds it
  # (tests/integration/package/deb_test.sh), as "the previous build" to upgrade from.
  set(CPACK_DEB_COMPONENT_INSTALL OFF)
  unset(CPACK_DEBIAN_PACKAGE_RELEASE)
  set(CPACK_DEBIAN_PACKAGE_NAME zzjb)
  set(CPACK_DEBIAN_PACKAGE_SECTION admin)
  set(CPACK_DEBIAN_PACKAGE_DEPENDS "${CPACK_DEBIAN_ZZJB_PACKAGE_DEPENDS}")  # without dpkg-shlibdeps
  set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "systemd")
  set(CPACK_DEBIAN_PACKAGE_SUGGESTS "softhsm2, opensc, pcscd")
  set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA ${CPACK_ZZJB_DEBIAN_SCRIPTS})
elseif(CPACK_ZZJB_LAYOUT AND NOT CPACK_ZZJB_LAYOUT STREQUAL "split")
  message(FATAL_ERROR "CPACK_ZZJB_LAYOUT is '${CPACK_ZZJB_LAYOUT}': 'split' (the default) or 'single'")
else()
  # CPackDeb puts CPACK_PACKAGE_DESCRIPTION_SUMMARY in front of every component's description
  # unless it is CPack's default: each of the three has its own summary, the first line of
  # CPACK_DEBIAN_<COMPONENT>_DESCRIPTION.
  set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${CPACK_DEFAULT_PACKAGE_DESCRIPTION_SUMMARY}")
endif()
