// A fake PKCS#11 module for the tests SoftHSM2 cannot serve: SoftHSM2 flags COUNT_LOW after a
// wrong PIN but never FINAL_TRY or LOCKED. One slot, token "fake-token", user PIN "123456", one
// RSA private key "school" (id 01) whose "signature" is the bytes "fake". The token's flags come
// from environment variables, read at C_Initialize:
//   ZZJB_FAKE_TOKEN_FLAGS                  count-low,final-try,locked,no-login (comma-separated)
//   ZZJB_FAKE_TOKEN_FLAGS_AFTER_WRONG_PIN  the flags once a wrong PIN was given
//   ZZJB_FAKE_TOKEN_LOGIN                  "locked": C_Login answers CKR_PIN_LOCKED
#include <p11-kit/pkcs11.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

namespace {

constexpr CK_SLOT_ID kSlot = 7;
constexpr CK_SESSION_HANDLE kSession = 42;
constexpr CK_OBJECT_HANDLE kKey = 1;
constexpr std::string_view kPin = "123456";
constexpr std::string_view kKeyLabel = "school";
constexpr CK_ULONG kUnavailable = ~CK_ULONG{0};

struct State {
  bool initialised = false;
  CK_FLAGS flags = 0;
  CK_FLAGS flagsAfterWrongPin = 0;
  bool loginLocked = false;
  bool loggedIn = false;
  bool sessionOpen = false;
  bool findKey = false;
  bool findDone = false;
  bool signReady = false;
};
State state;

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr ? v : "";
}

CK_FLAGS flagsFrom(const std::string& spec) {
  CK_FLAGS f = CKF_TOKEN_INITIALIZED | CKF_USER_PIN_INITIALIZED;
  if (spec.find("no-login") == std::string::npos) f |= CKF_LOGIN_REQUIRED;
  if (spec.find("count-low") != std::string::npos) f |= CKF_USER_PIN_COUNT_LOW;
  if (spec.find("final-try") != std::string::npos) f |= CKF_USER_PIN_FINAL_TRY;
  if (spec.find("locked") != std::string::npos) f |= CKF_USER_PIN_LOCKED;
  return f;
}

void padded(unsigned char* field, std::size_t width, std::string_view text) {
  std::memset(field, ' ', width);
  std::memcpy(field, text.data(), std::min(width, text.size()));
}

bool loginRequired() {
  return (state.flags & CKF_LOGIN_REQUIRED) != 0;
}

CK_RV initialize(void*) {
  if (state.initialised) return CKR_CRYPTOKI_ALREADY_INITIALIZED;
  state = State{};
  state.initialised = true;
  state.flags = flagsFrom(env("ZZJB_FAKE_TOKEN_FLAGS"));
  state.flagsAfterWrongPin = flagsFrom(env("ZZJB_FAKE_TOKEN_FLAGS_AFTER_WRONG_PIN"));
  state.loginLocked = env("ZZJB_FAKE_TOKEN_LOGIN") == "locked";
  return CKR_OK;
}

CK_RV finalize(void*) {
  if (!state.initialised) return CKR_CRYPTOKI_NOT_INITIALIZED;
  state = State{};
  return CKR_OK;
}

CK_RV getSlotList(unsigned char, CK_SLOT_ID* slots, CK_ULONG* count) {
  if (!state.initialised) return CKR_CRYPTOKI_NOT_INITIALIZED;
  if (slots == nullptr) {
    *count = 1;
    return CKR_OK;
  }
  if (*count < 1) return CKR_BUFFER_TOO_SMALL;
  slots[0] = kSlot;
  *count = 1;
  return CKR_OK;
}

CK_RV getTokenInfo(CK_SLOT_ID slot, CK_TOKEN_INFO* info) {
  if (!state.initialised) return CKR_CRYPTOKI_NOT_INITIALIZED;
  if (slot != kSlot) return CKR_SLOT_ID_INVALID;
  *info = CK_TOKEN_INFO{};
  padded(info->label, sizeof info->label, "fake-token");
  padded(info->manufacturerID, sizeof info->manufacturerID, "zzjb tests");
  padded(info->model, sizeof info->model, "fake");
  padded(info->serialNumber, sizeof info->serialNumber, "1");
  info->flags = state.flags;
  return CKR_OK;
}

CK_RV openSession(CK_SLOT_ID slot, CK_FLAGS, void*, CK_NOTIFY, CK_SESSION_HANDLE* session) {
  if (!state.initialised) return CKR_CRYPTOKI_NOT_INITIALIZED;
  if (slot != kSlot) return CKR_SLOT_ID_INVALID;
  state.sessionOpen = true;
  *session = kSession;
  return CKR_OK;
}

CK_RV closeSession(CK_SESSION_HANDLE session) {
  if (session != kSession || !state.sessionOpen) return CKR_SESSION_HANDLE_INVALID;
  state.sessionOpen = false;
  state.loggedIn = false;
  return CKR_OK;
}

CK_RV login(CK_SESSION_HANDLE session, CK_USER_TYPE, unsigned char* pin, CK_ULONG len) {
  if (session != kSession || !state.sessionOpen) return CKR_SESSION_HANDLE_INVALID;
  if (state.loginLocked || (state.flags & CKF_USER_PIN_LOCKED) != 0) return CKR_PIN_LOCKED;
  if (std::string_view(reinterpret_cast<const char*>(pin), len) != kPin) {
    state.flags = state.flagsAfterWrongPin;
    return CKR_PIN_INCORRECT;
  }
  state.loggedIn = true;
  return CKR_OK;
}

CK_RV findObjectsInit(CK_SESSION_HANDLE session, CK_ATTRIBUTE* tmpl, CK_ULONG count) {
  if (session != kSession || !state.sessionOpen) return CKR_SESSION_HANDLE_INVALID;
  bool privateKey = false;
  bool labelMatches = true;
  for (CK_ULONG i = 0; i < count; ++i) {
    const CK_ATTRIBUTE& a = tmpl[i];
    if (a.type == CKA_CLASS && a.ulValueLen == sizeof(CK_OBJECT_CLASS)) {
      privateKey = *static_cast<const CK_OBJECT_CLASS*>(a.pValue) == CKO_PRIVATE_KEY;
    }
    if (a.type == CKA_LABEL) {
      labelMatches =
          std::string_view(static_cast<const char*>(a.pValue), a.ulValueLen) == kKeyLabel;
    }
  }
  state.findKey = privateKey && labelMatches && (state.loggedIn || !loginRequired());
  state.findDone = false;
  return CKR_OK;
}

CK_RV findObjects(CK_SESSION_HANDLE session, CK_OBJECT_HANDLE* objects, CK_ULONG max,
                  CK_ULONG* count) {
  if (session != kSession || !state.sessionOpen) return CKR_SESSION_HANDLE_INVALID;
  *count = 0;
  if (state.findKey && !state.findDone && max > 0) {
    objects[0] = kKey;
    *count = 1;
  }
  state.findDone = true;
  return CKR_OK;
}

CK_RV findObjectsFinal(CK_SESSION_HANDLE session) {
  if (session != kSession || !state.sessionOpen) return CKR_SESSION_HANDLE_INVALID;
  return CKR_OK;
}

CK_RV getAttributeValue(CK_SESSION_HANDLE session, CK_OBJECT_HANDLE object, CK_ATTRIBUTE* tmpl,
                        CK_ULONG count) {
  if (session != kSession || !state.sessionOpen) return CKR_SESSION_HANDLE_INVALID;
  if (object != kKey) return CKR_OBJECT_HANDLE_INVALID;
  CK_RV rv = CKR_OK;
  for (CK_ULONG i = 0; i < count; ++i) {
    CK_ATTRIBUTE& a = tmpl[i];
    if (a.type == CKA_KEY_TYPE) {
      CK_KEY_TYPE rsa = CKK_RSA;
      if (a.pValue != nullptr) std::memcpy(a.pValue, &rsa, sizeof rsa);
      a.ulValueLen = sizeof rsa;
    } else if (a.type == CKA_ID) {
      if (a.pValue != nullptr) static_cast<unsigned char*>(a.pValue)[0] = 0x01;
      a.ulValueLen = 1;
    } else {
      a.ulValueLen = kUnavailable;
      rv = CKR_ATTRIBUTE_TYPE_INVALID;
    }
  }
  return rv;
}

CK_RV signInit(CK_SESSION_HANDLE session, CK_MECHANISM*, CK_OBJECT_HANDLE key) {
  if (session != kSession || !state.sessionOpen) return CKR_SESSION_HANDLE_INVALID;
  if (!state.loggedIn && loginRequired()) return CKR_USER_NOT_LOGGED_IN;
  if (key != kKey) return CKR_KEY_HANDLE_INVALID;
  state.signReady = true;
  return CKR_OK;
}

CK_RV sign(CK_SESSION_HANDLE session, unsigned char*, CK_ULONG, unsigned char* signature,
           CK_ULONG* len) {
  if (session != kSession || !state.sessionOpen) return CKR_SESSION_HANDLE_INVALID;
  if (!state.signReady) return CKR_OPERATION_NOT_INITIALIZED;
  constexpr std::string_view kSignature = "fake";
  if (signature == nullptr) {
    *len = kSignature.size();
    return CKR_OK;
  }
  if (*len < kSignature.size()) return CKR_BUFFER_TOO_SMALL;
  std::memcpy(signature, kSignature.data(), kSignature.size());
  *len = kSignature.size();
  state.signReady = false;
  return CKR_OK;
}

CK_FUNCTION_LIST makeFunctionList() {
  CK_FUNCTION_LIST f{};
  f.version = {2, 40};
  f.C_Initialize = initialize;
  f.C_Finalize = finalize;
  f.C_GetSlotList = getSlotList;
  f.C_GetTokenInfo = getTokenInfo;
  f.C_OpenSession = openSession;
  f.C_CloseSession = closeSession;
  f.C_Login = login;
  f.C_FindObjectsInit = findObjectsInit;
  f.C_FindObjects = findObjects;
  f.C_FindObjectsFinal = findObjectsFinal;
  f.C_GetAttributeValue = getAttributeValue;
  f.C_SignInit = signInit;
  f.C_Sign = sign;
  return f;
}

CK_FUNCTION_LIST functionList = makeFunctionList();

}  // namespace

extern "C" __attribute__((visibility("default"))) CK_RV C_GetFunctionList(
    CK_FUNCTION_LIST_PTR_PTR list) {
  if (list == nullptr) return CKR_ARGUMENTS_BAD;
  *list = &functionList;
  return CKR_OK;
}
