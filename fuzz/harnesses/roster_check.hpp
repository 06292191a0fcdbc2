// The properties both roster harnesses check on a table (docs/fuzzing.md): every text is UTF-8
// (issue 11 item 5: an invalid cell must be a finding at its cell, never an exception later),
// findings are well-formed, and the table's memory stays within a bound of the input's size
// (item 6: rows are not padded to the widest row).
#pragma once

#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "fuzz_support.hpp"
#include "zzjb/core/roster.hpp"

namespace zzjb::fuzz {

// `perInputByte`: how many bytes of table one input byte may cost (a CSV is read as it is; an
// xlsx is deflated, which multiplies by up to ~1000, and every <c> element becomes a Cell).
inline void checkRosterTable(std::string_view harness, const Result<RosterTable>& table,
                             std::size_t inputSize, std::size_t perInputByte) {
  // ZZJB_FUZZ_VERBOSE=1: what each input gave, to check that seeds reach the reader's insides.
  if (std::getenv("ZZJB_FUZZ_VERBOSE") != nullptr) {
    if (table) {
      std::fprintf(stderr, "  table: %zu columns, %zu records, %zu notes\n", table->header.size(),
                   table->records.size(), table->notes.size());
    } else {
      std::fprintf(stderr, "  refused: %s\n", table.error().code.c_str());
    }
  }
  if (!table) {
    requireWellFormed(harness, table.error());
    return;
  }
  std::size_t footprint = 0;
  for (const auto& name : table->header) {
    if (!validUtf8(name)) fail(harness, "a header name is not UTF-8");
    footprint += sizeof(std::string) + name.size();
  }
  for (const auto& record : table->records) {
    footprint += sizeof(RosterRecord);
    for (const auto& cell : record.cells) {
      if (!validUtf8(cell.text)) {
        fail(harness, "line " + std::to_string(record.line) + " cell " + cell.ref +
                          " is not UTF-8 and was kept as a cell");
      }
      footprint += sizeof(Cell) + cell.text.size() + cell.ref.size();
    }
  }
  for (const auto& note : table->notes) requireWellFormed(harness, note);
  if (!validUtf8(table->sheet)) fail(harness, "the sheet name is not UTF-8");
  const std::size_t bound = inputSize * perInputByte + (std::size_t{1} << 20);
  if (footprint > bound) {
    fail(harness, "the table takes " + std::to_string(footprint) + " bytes for an input of " +
                      std::to_string(inputSize) + " (bound " + std::to_string(bound) +
                      "): rows padded or cells amplified");
  }
}

}  // namespace zzjb::fuzz
