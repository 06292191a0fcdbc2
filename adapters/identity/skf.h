/* The subset of GM/T 0016-2012 ("SKF", the smart-key crypto API) that zzjb uses: types, result
 * codes, structures and function-pointer types, written from the standard's names. Shared by
 * the SKF signer (which resolves the functions by name with Boost.DLL) and the software token in
 * mocks/token (which implements them). Not a vendor header: vendors' headers differ in details.
 *
 * ULONG is 32 bits as in the standard's type table (UINT32). A vendor library built with a
 * 64-bit `unsigned long` would not be ABI-compatible with this header. */
#ifndef ZZJB_IDENTITY_SKF_H
#define ZZJB_IDENTITY_SKF_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef uint8_t BYTE;
typedef char CHAR;
typedef int32_t INT32;
typedef uint32_t UINT32;
typedef UINT32 ULONG;
typedef INT32 BOOL;
typedef char* LPSTR;
typedef void* HANDLE;
typedef HANDLE DEVHANDLE;
typedef HANDLE HAPPLICATION;
typedef HANDLE HCONTAINER;

#ifndef TRUE
#define TRUE 1
#endif
#ifndef FALSE
#define FALSE 0
#endif

/* PIN types (SKF_VerifyPIN, SKF_GetPINInfo). */
#define ADMIN_TYPE 0U
#define USER_TYPE 1U

/* SKF_GetContainerType. */
#define SKF_CONTAINER_EMPTY 0U
#define SKF_CONTAINER_RSA 1U
#define SKF_CONTAINER_ECC 2U

/* Result codes (GM/T 0016-2012, appendix A). */
#define SAR_OK 0x00000000U
#define SAR_FAIL 0x0A000001U
#define SAR_UNKNOWNERR 0x0A000002U
#define SAR_NOTSUPPORTYETERR 0x0A000003U
#define SAR_FILEERR 0x0A000004U
#define SAR_INVALIDHANDLEERR 0x0A000005U
#define SAR_INVALIDPARAMERR 0x0A000006U
#define SAR_READFILEERR 0x0A000007U
#define SAR_WRITEFILEERR 0x0A000008U
#define SAR_NAMELENERR 0x0A000009U
#define SAR_KEYUSAGEERR 0x0A00000AU
#define SAR_MODULUSLENERR 0x0A00000BU
#define SAR_NOTINITIALIZEERR 0x0A00000CU
#define SAR_OBJERR 0x0A00000DU
#define SAR_MEMORYERR 0x0A00000EU
#define SAR_TIMEOUTERR 0x0A00000FU
#define SAR_INDATALENERR 0x0A000010U
#define SAR_INDATAERR 0x0A000011U
#define SAR_GENRANDERR 0x0A000012U
#define SAR_HASHOBJERR 0x0A000013U
#define SAR_HASHERR 0x0A000014U
#define SAR_KEYNOTFOUNTERR 0x0A00001BU
#define SAR_CERTNOTFOUNTERR 0x0A00001CU
#define SAR_NOTEXPORTERR 0x0A00001DU
#define SAR_BUFFER_TOO_SMALL 0x0A000020U
#define SAR_DEVICE_REMOVED 0x0A000023U
#define SAR_PIN_INCORRECT 0x0A000024U
#define SAR_PIN_LOCKED 0x0A000025U
#define SAR_PIN_INVALID 0x0A000026U
#define SAR_PIN_LEN_RANGE 0x0A000027U
#define SAR_USER_ALREADY_LOGGED_IN 0x0A000028U
#define SAR_USER_PIN_NOT_INITIALIZED 0x0A000029U
#define SAR_USER_TYPE_INVALID 0x0A00002AU
#define SAR_APPLICATION_NAME_INVALID 0x0A00002BU
#define SAR_APPLICATION_EXISTS 0x0A00002CU
#define SAR_USER_NOT_LOGGED_IN 0x0A00002DU
#define SAR_APPLICATION_NOT_EXISTS 0x0A00002EU
#define SAR_FILE_ALREADY_EXIST 0x0A00002FU
#define SAR_NO_ROOM 0x0A000030U
#define SAR_FILE_NOT_EXIST 0x0A000031U
#define SAR_REACH_MAX_CONTAINER_COUNT 0x0A000032U

#define ECC_MAX_XCOORDINATE_BITS_LEN 512
#define ECC_MAX_YCOORDINATE_BITS_LEN 512
#define ECC_MAX_MODULUS_BITS_LEN 512

/* The standard's structures are byte-packed. */
#pragma pack(push, 1)

typedef struct Struct_Version {
  BYTE major;
  BYTE minor;
} VERSION;

typedef struct Struct_DEVINFO {
  VERSION Version;
  CHAR Manufacturer[64];
  CHAR Issuer[64];
  CHAR Label[32];
  CHAR SerialNumber[32];
  VERSION HWVersion;
  VERSION FirmwareVersion;
  ULONG AlgSymCap;
  ULONG AlgAsymCap;
  ULONG AlgHashCap;
  ULONG DevAuthAlgId;
  ULONG TotalSpace;
  ULONG FreeSpace;
  ULONG MaxECCBufferSize;
  ULONG MaxBufferSize;
  BYTE Reserved[64];
} DEVINFO, *PDEVINFO;

/* Coordinates are big-endian and right-aligned: for a 256-bit key the first 32 bytes are 0. */
typedef struct Struct_ECCPUBLICKEYBLOB {
  ULONG BitLen;
  BYTE XCoordinate[ECC_MAX_XCOORDINATE_BITS_LEN / 8];
  BYTE YCoordinate[ECC_MAX_YCOORDINATE_BITS_LEN / 8];
} ECCPUBLICKEYBLOB, *PECCPUBLICKEYBLOB;

/* r and s big-endian, right-aligned in 64-byte fields, like the public key's coordinates. */
typedef struct Struct_ECCSIGNATUREBLOB {
  BYTE r[ECC_MAX_XCOORDINATE_BITS_LEN / 8];
  BYTE s[ECC_MAX_XCOORDINATE_BITS_LEN / 8];
} ECCSIGNATUREBLOB, *PECCSIGNATUREBLOB;

#pragma pack(pop)

/* Function types, one per SKF function used. List-returning functions (EnumDev, EnumApplication,
 * EnumContainer) fill a list of NUL-terminated names ended by one more NUL; called with a NULL
 * buffer they only set *pulSize to the bytes needed. */
typedef ULONG (*PFN_SKF_EnumDev)(BOOL bPresent, LPSTR szNameList, ULONG* pulSize);
typedef ULONG (*PFN_SKF_ConnectDev)(LPSTR szName, DEVHANDLE* phDev);
typedef ULONG (*PFN_SKF_DisConnectDev)(DEVHANDLE hDev);
typedef ULONG (*PFN_SKF_GetDevInfo)(DEVHANDLE hDev, DEVINFO* pDevInfo);
typedef ULONG (*PFN_SKF_EnumApplication)(DEVHANDLE hDev, LPSTR szAppName, ULONG* pulSize);
typedef ULONG (*PFN_SKF_OpenApplication)(DEVHANDLE hDev, LPSTR szAppName,
                                         HAPPLICATION* phApplication);
typedef ULONG (*PFN_SKF_CloseApplication)(HAPPLICATION hApplication);
typedef ULONG (*PFN_SKF_GetPINInfo)(HAPPLICATION hApplication, ULONG ulPINType,
                                    ULONG* pulMaxRetryCount, ULONG* pulRemainRetryCount,
                                    BOOL* pbDefaultPin);
typedef ULONG (*PFN_SKF_VerifyPIN)(HAPPLICATION hApplication, ULONG ulPINType, LPSTR szPIN,
                                   ULONG* pulRetryCount);
typedef ULONG (*PFN_SKF_ClearSecureState)(HAPPLICATION hApplication);
typedef ULONG (*PFN_SKF_EnumContainer)(HAPPLICATION hApplication, LPSTR szContainerName,
                                       ULONG* pulSize);
typedef ULONG (*PFN_SKF_OpenContainer)(HAPPLICATION hApplication, LPSTR szContainerName,
                                       HCONTAINER* phContainer);
typedef ULONG (*PFN_SKF_CloseContainer)(HCONTAINER hContainer);
typedef ULONG (*PFN_SKF_GetContainerType)(HCONTAINER hContainer, ULONG* pulContainerType);
typedef ULONG (*PFN_SKF_ExportCertificate)(HCONTAINER hContainer, BOOL bSignFlag, BYTE* pbCert,
                                           ULONG* pulCertLen);
typedef ULONG (*PFN_SKF_ExportPublicKey)(HCONTAINER hContainer, BOOL bSignFlag, BYTE* pbBlob,
                                         ULONG* pulBlobLen);
typedef ULONG (*PFN_SKF_ECCSignData)(HCONTAINER hContainer, BYTE* pbData, ULONG ulDataLen,
                                     PECCSIGNATUREBLOB pSignature);

#ifdef __cplusplus
}
#endif

#endif /* ZZJB_IDENTITY_SKF_H */
