; The Tether installer for admins who deploy tether-client.exe (customers
; can also run the .exe as it is, without installing). Installs, for all
; users, into Program Files\Tether: tether-client.exe, the organisation's
; settings (tether-client.conf, which the .exe reads at start: see
; docs/ARCHITECTURE.md, "Deploying the Windows client"), a Start-menu
; shortcut, the tether:// URL protocol (the relay's join page links
; tether://join/CODE: Windows then starts tether-client.exe with the link,
; which prefills the code), an uninstaller and its Add/Remove Programs entry.
; Silent: tether-client-setup.exe /S [/D=C:\Other\Folder] (/D last, no quotes).
;
; makensis defines (the build passes them from its CMake options,
; packaging/windows/CMakeLists.txt; an admin may run makensis by hand):
;   EXE         the built tether-client.exe (required)
;   OUTFILE     the installer to write (required)
;   VERSION     shown in Add/Remove Programs (default 0.0.0)
;   RELAY       the relay URL: `relay =` in tether-client.conf (optional)
;   PROXY_CONF  a proxy.conf (docs/PROXYDETECT.md) installed beside the .exe
;               and named by `proxy-conf =` (optional)
;   CA          a PEM CA file of a private relay, installed as relay-ca.pem
;               and named by `ca =` (optional)
; A 64-bit installer (tether-client.exe is 64-bit; Debian's nsis has the
; amd64 stubs), so Program Files and the registry are the 64-bit ones.
Target amd64-unicode

!ifndef EXE
  !error "makensis -DEXE=path/to/tether-client.exe -DOUTFILE=setup.exe tether-client.nsi"
!endif
!ifndef OUTFILE
  !error "makensis needs -DOUTFILE=path/of/the/installer.exe"
!endif
!ifndef VERSION
  !define VERSION 0.0.0
!endif
!define UNINSTALL_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\Tether"
; The tether: URL scheme for every user (HKLM\Software\Classes = HKCR).
!define PROTOCOL_KEY "Software\Classes\tether"

Name "Tether"
OutFile "${OUTFILE}"
InstallDir "$PROGRAMFILES64\Tether"
RequestExecutionLevel admin
SetCompressor /SOLID lzma

Page directory
Page instfiles
UninstPage uninstConfirm
UninstPage instfiles

; tether-client.conf: key = value lines, the .exe's --config format. Paths
; are absolute because the folder is the admin's choice (/D).
Function WriteSettings
  FileOpen $0 "$INSTDIR\tether-client.conf" w
  FileWrite $0 "# Written by the Tether installer. tether-client.exe reads it at start,$\r$\n"
  FileWrite $0 "# after its command line, TETHER_* variables and --config.$\r$\n"
!ifdef RELAY
  FileWrite $0 "relay = ${RELAY}$\r$\n"
!endif
!ifdef PROXY_CONF
  FileWrite $0 "proxy-conf = $INSTDIR\proxy.conf$\r$\n"
!endif
!ifdef CA
  FileWrite $0 "ca = $INSTDIR\relay-ca.pem$\r$\n"
!endif
  FileClose $0
FunctionEnd

Section "Tether"
  SetRegView 64  ; the 64-bit registry, where a 64-bit Windows looks
  SetShellVarContext all  ; shortcuts for every user
  SetOutPath "$INSTDIR"
  File "/oname=tether-client.exe" "${EXE}"
!ifdef PROXY_CONF
  File "/oname=proxy.conf" "${PROXY_CONF}"
!endif
!ifdef CA
  File "/oname=relay-ca.pem" "${CA}"
!endif
  Call WriteSettings
  WriteUninstaller "$INSTDIR\uninstall.exe"
  CreateDirectory "$SMPROGRAMS\Tether"
  CreateShortcut "$SMPROGRAMS\Tether\Tether.lnk" "$INSTDIR\tether-client.exe"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "DisplayName" "Tether"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKLM "${UNINSTALL_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKLM "${UNINSTALL_KEY}" "NoModify" 1
  WriteRegDWORD HKLM "${UNINSTALL_KEY}" "NoRepair" 1
  WriteRegStr HKLM "${PROTOCOL_KEY}" "" "URL:Tether support session"
  WriteRegStr HKLM "${PROTOCOL_KEY}" "URL Protocol" ""
  WriteRegStr HKLM "${PROTOCOL_KEY}\DefaultIcon" "" '"$INSTDIR\tether-client.exe",0'
  WriteRegStr HKLM "${PROTOCOL_KEY}\shell\open\command" "" '"$INSTDIR\tether-client.exe" "%1"'
SectionEnd

Section "Uninstall"
  SetRegView 64
  SetShellVarContext all
  Delete "$SMPROGRAMS\Tether\Tether.lnk"
  RMDir "$SMPROGRAMS\Tether"
  Delete "$INSTDIR\tether-client.exe"
  Delete "$INSTDIR\tether-client.conf"
  Delete "$INSTDIR\proxy.conf"
  Delete "$INSTDIR\relay-ca.pem"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"  ; only if empty: nothing of the admin's is removed
  DeleteRegKey HKLM "${UNINSTALL_KEY}"
  DeleteRegKey HKLM "${PROTOCOL_KEY}"
SectionEnd
