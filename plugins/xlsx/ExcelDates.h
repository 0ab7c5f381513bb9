#pragma once
/// Excel serial dates and number formats: ISO 8601 text <-> serial day
/// numbers in the 1900 and 1904 date systems, and telling a date format from
/// a number format.

#include <optional>
#include <string>
#include <string_view>

namespace qdx::xlsx {

/// The shapes of ISO 8601 text the writer turns into real Excel dates; each
/// has a number format the reader maps back to the very same text.
enum class IsoShape {
    Date,           ///< 2023-04-30
    DateTime,       ///< 2023-04-30T12:00:00
    DateTimeZ,      ///< 2023-04-30T12:00:00Z
    DateTimeMs,     ///< 2023-04-30T12:00:00.123
    DateTimeMsZ     ///< 2023-04-30T12:00:00.123Z
};

/// The number format code the writer uses for a shape (yyyy-mm-dd, …).
const char* numberFormatFor(IsoShape shape);

/// A serial day number (1900 system) for ISO text of one of the shapes, or
/// nullopt when the text has another form or lies before 1900-03-01 (where
/// Excel's 1900 leap-year bug makes serials ambiguous) or after 9999.
std::optional<double> isoToSerial(std::string_view iso, IsoShape* shape = nullptr);

/// What a number format shows, as far as dates are concerned.
struct DateFormatInfo {
    bool isDate = false;     ///< shows a date and/or a time
    bool hasDate = false;    ///< day, month or year parts
    bool hasTime = false;    ///< hour, minute or second parts
    bool millis = false;     ///< fractional seconds (".000")
    bool zulu = false;       ///< a literal "Z" (qdx writes UTC date-times so)
};

/// Classifies a number format: built-in ids 14-22, 27-36, 45-47, 50-58 are
/// dates/times; a custom code is a date when, outside quoted text, escapes
/// and [colour]/[locale] brackets, it has d, m, y, h or s parts.
DateFormatInfo classifyNumberFormat(int id, std::string_view code);

/// ISO 8601 text for a serial in the given date system, shaped by the format:
/// "YYYY-MM-DD" for a whole day without time parts, "HH:MM:SS" for a time
/// without date parts, else "YYYY-MM-DDTHH:MM:SS" (with ".mmm" when the format
/// or value has milliseconds, and "Z" when the format says so). nullopt for
/// serials Excel cannot show as dates (negative, 1900-02-29, past 9999).
std::optional<std::string> serialToIso(double serial, bool date1904, const DateFormatInfo& fmt);

/// Shortest decimal text that reads back as the same double ("3", "0.1",
/// "1.5E-05" style exponents avoided where a plain form is as short).
std::string formatNumber(double v);

/// Parses a plain decimal number ("-12", "3.5", "1e-3"); nullopt otherwise.
std::optional<double> parseNumber(std::string_view s);

} // namespace qdx::xlsx
