# Run at install time (install(SCRIPT) from ZzjbPackaging.cmake): installs the systemd units with
# ExecStart= pointing at the zzjb of the prefix being installed to. The sources say /usr/bin/zzjb
# (the .deb's prefix); `cmake --install --prefix /opt/zzjb` gets /opt/zzjb/bin/zzjb instead.
# Set before inclusion: ZZJB_UNIT_SRC_DIR, ZZJB_UNIT_TMP_DIR, ZZJB_UNIT_DIR, ZZJB_UNIT_BINDIR.
set(_zzjb_units zzjb.service zzjb.timer zzjb-daemon.service)
if(IS_ABSOLUTE "${ZZJB_UNIT_BINDIR}")
  set(_zzjb_bin "${ZZJB_UNIT_BINDIR}/zzjb")
else()
  set(_zzjb_bin "${CMAKE_INSTALL_PREFIX}/${ZZJB_UNIT_BINDIR}/zzjb")
endif()
if(IS_ABSOLUTE "${ZZJB_UNIT_DIR}")
  set(_zzjb_unit_dest "${ZZJB_UNIT_DIR}")
else()
  set(_zzjb_unit_dest "${CMAKE_INSTALL_PREFIX}/${ZZJB_UNIT_DIR}")
endif()
file(MAKE_DIRECTORY "${ZZJB_UNIT_TMP_DIR}")
set(_zzjb_unit_files)
foreach(_u IN LISTS _zzjb_units)
  file(READ "${ZZJB_UNIT_SRC_DIR}/${_u}" _text)
  string(REPLACE "/usr/bin/zzjb " "${_zzjb_bin} " _text "${_text}")
  file(WRITE "${ZZJB_UNIT_TMP_DIR}/${_u}" "${_text}")
  list(APPEND _zzjb_unit_files "${ZZJB_UNIT_TMP_DIR}/${_u}")
endforeach()
# file(INSTALL) honours DESTDIR (CPack stages with it) and records the files in the manifest.
file(INSTALL DESTINATION "${_zzjb_unit_dest}" TYPE FILE
     PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ FILES ${_zzjb_unit_files})
