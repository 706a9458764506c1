/*
** fuzz_artifact_map.c: the reader of the seed's Choice,Regex CSV maps
** (vq_map_reader_init / vq_map_reader_next, ext/artifacts.h), fed any text
** (not NUL-terminated). Promises checked: -1 with a reason, or a header with
** distinct Choice and Regex columns; rows whose fields are terminated inside
** their buffers, whose lines increase; the reader ends (0 or -1) within as
** many rows as the text has bytes.
*/
#include "../../ext/artifacts.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *text = (char *)fuzz_copy(data, size);
  if (text == NULL) return 0;
  vq_map_reader reader;
  char error[256] = "";
  if (vq_map_reader_init(&reader, text, size, error, sizeof error) != 0) {
    FUZZ_CHECK(error[0] != 0 && fuzz_terminated(error, sizeof error));
  } else {
    FUZZ_CHECK(reader.choice_field >= 0 && reader.regex_field >= 0);
    FUZZ_CHECK(reader.choice_field != reader.regex_field);
    FUZZ_CHECK(reader.choice_field < reader.field_count && reader.regex_field < reader.field_count);
    static vq_map_row row; /* 2 KiB: off the stack */
    int result, last_line = 0;
    size_t rows = 0;
    while ((result = vq_map_reader_next(&reader, &row, error, sizeof error)) == 1) {
      FUZZ_CHECK(fuzz_terminated(row.choice, sizeof row.choice));
      FUZZ_CHECK(fuzz_terminated(row.regex, sizeof row.regex));
      FUZZ_CHECK(row.line > last_line);
      last_line = row.line;
      FUZZ_CHECK(++rows <= size);
    }
    FUZZ_CHECK(result == 0 || result == -1);
    if (result == -1) FUZZ_CHECK(error[0] != 0 && fuzz_terminated(error, sizeof error));
  }
  free(text);
  return 0;
}
