#ifndef MAILGATE_CCURL_H
#define MAILGATE_CCURL_H

// Swift cannot call C variadic functions, so each curl_easy_setopt/getinfo argument type gets one
// typed wrapper here. The header exposes curl.h so Swift sees CURLcode, CURLoption and friends.
#include <curl/curl.h>
#include <stddef.h>

/// Runs curl_global_init once per process; safe to call from any thread, any number of times.
CURLcode ccurl_global_init_once(void);

CURLcode ccurl_easy_setopt_long(CURL *handle, CURLoption option, long value);
CURLcode ccurl_easy_setopt_string(CURL *handle, CURLoption option, const char *value);
CURLcode ccurl_easy_setopt_pointer(CURL *handle, CURLoption option, void *value);
CURLcode ccurl_easy_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value);
CURLcode ccurl_easy_setopt_off_t(CURL *handle, CURLoption option, long long value);

/// libcurl's data callbacks: (buffer, size, count, context) -> bytes handled.
typedef size_t (*ccurl_data_callback)(char *buffer, size_t size, size_t count, void *context);
CURLcode ccurl_easy_setopt_write_function(CURL *handle, ccurl_data_callback callback);
CURLcode ccurl_easy_setopt_read_function(CURL *handle, ccurl_data_callback callback);

/// libcurl's debug callback: (handle, type, data, size, context) -> 0. Only called while
/// CURLOPT_VERBOSE is on; setting it keeps libcurl from printing the session to stderr.
typedef int (*ccurl_debug_callback)(CURL *handle, curl_infotype type, char *data, size_t size, void *context);
CURLcode ccurl_easy_setopt_debug_function(CURL *handle, ccurl_debug_callback callback);

CURLcode ccurl_easy_getinfo_long(CURL *handle, CURLINFO info, long *value);
/// For CURLINFO_ACTIVESOCKET: the connection a CONNECT_ONLY handle keeps, to wait on with poll().
CURLcode ccurl_easy_getinfo_socket(CURL *handle, CURLINFO info, curl_socket_t *value);

#endif
