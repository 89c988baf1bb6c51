/* The MIME benchmark's reference: GMime 3 doing the work `helpdesk-bench mime` does on the same
 * files. Every file is read into memory first; only the parse loop is timed: the message parsed,
 * its subject, From, To and date read, every text part converted to UTF-8 and every other leaf
 * decoded (transfer encoding) into a null stream.
 *
 *   bench_gmime FILE...      prints: gmime: <n> messages, <MB> MB in <s> s = <MB/s> MB/s
 *   bench_gmime < LIST       the same, for the paths on standard input, one per line
 */
#include <gmime/gmime.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct {
    char *data;
    size_t size;
} Input;

static size_t checksum;

static void decode_part(GMimeObject *parent, GMimeObject *part, gpointer user_data) {
    (void)parent;
    GMimeStream *null_stream = user_data;
    if (GMIME_IS_TEXT_PART(part)) {
        char *text = g_mime_text_part_get_text((GMimeTextPart *)part);
        if (text) {
            checksum += strlen(text);
            g_free(text);
        }
    } else if (GMIME_IS_PART(part)) {
        GMimeDataWrapper *content = g_mime_part_get_content((GMimePart *)part);
        if (content) checksum += (size_t)g_mime_data_wrapper_write_to_stream(content, null_stream);
    }
}

static int read_file(const char *path, Input *input) {
    FILE *file = fopen(path, "rb");
    if (!file) return -1;
    fseek(file, 0, SEEK_END);
    long size = ftell(file);
    fseek(file, 0, SEEK_SET);
    input->data = malloc(size > 0 ? (size_t)size : 1);
    input->size = size > 0 ? fread(input->data, 1, (size_t)size, file) : 0;
    fclose(file);
    return 0;
}

int main(int argc, char **argv) {
    GPtrArray *paths = g_ptr_array_new();
    for (int i = 1; i < argc; i++) g_ptr_array_add(paths, argv[i]);
    if (argc < 2) {
        char line[4096];
        while (fgets(line, sizeof line, stdin)) {
            line[strcspn(line, "\n")] = 0;
            if (line[0]) g_ptr_array_add(paths, g_strdup(line));
        }
    }
    if (paths->len == 0) {
        fprintf(stderr, "usage: bench_gmime FILE... (or the paths on standard input)\n");
        return 2;
    }
    g_mime_init();
    int count = (int)paths->len;
    Input *inputs = calloc((size_t)count, sizeof(Input));
    double megabytes = 0;
    for (int i = 0; i < count; i++) {
        const char *path = g_ptr_array_index(paths, i);
        if (read_file(path, &inputs[i]) != 0) {
            fprintf(stderr, "bench_gmime: cannot read %s\n", path);
            return 2;
        }
        megabytes += (double)inputs[i].size / 1e6;
    }
    GMimeStream *null_stream = g_mime_stream_null_new();
    struct timespec start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (int i = 0; i < count; i++) {
        GMimeStream *stream = g_mime_stream_mem_new_with_buffer(inputs[i].data, inputs[i].size);
        GMimeParser *parser = g_mime_parser_new_with_stream(stream);
        GMimeMessage *message = g_mime_parser_construct_message(parser, NULL);
        if (message) {
            const char *subject = g_mime_message_get_subject(message);
            if (subject) checksum += strlen(subject);
            InternetAddressList *from = g_mime_message_get_from(message);
            InternetAddressList *to = g_mime_message_get_to(message);
            checksum += (size_t)internet_address_list_length(from) + (size_t)internet_address_list_length(to);
            GDateTime *date = g_mime_message_get_date(message);
            if (date) checksum += (size_t)g_date_time_get_year(date);
            g_mime_message_foreach(message, decode_part, null_stream);
            g_object_unref(message);
        }
        g_object_unref(parser);
        g_object_unref(stream);
    }
    clock_gettime(CLOCK_MONOTONIC, &end);
    double seconds = (double)(end.tv_sec - start.tv_sec) + (double)(end.tv_nsec - start.tv_nsec) / 1e9;
    printf("gmime: %d messages, %.1f MB in %.3f s = %.1f MB/s\n", count, megabytes, seconds, megabytes / seconds);
    if (checksum == 1) printf("checksum %zu\n", checksum);
    return 0;
}
