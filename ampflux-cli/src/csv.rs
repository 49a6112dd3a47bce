//! CSV of result rows: the columns are the fields of the rows' JSON form, in declaration
//! order (nested objects as `outer.inner`), so the CSV always carries what the JSON report
//! carries. Numbers have [`DIGITS`] significant digits; enumerations their JSON names (`ok`).

use std::io::{self, Write};

use serde::Serialize;
use serde::ser::{self, Impossible};

/// Significant digits of numbers in CSV (the JSON report keeps every digit).
pub(crate) const DIGITS: usize = 6;

/// One cell of a row.
#[derive(Clone, Debug, PartialEq)]
enum Cell {
    Number(f64),
    Text(String),
    Empty,
}

/// Writes `rows` as one CSV table: the header is the union of the rows' fields (a field
/// absent from a row, such as an optional value, is an empty cell).
pub(crate) fn write_table<T: Serialize>(out: &mut dyn Write, rows: &[T]) -> io::Result<()> {
    let mut header: Vec<String> = Vec::new();
    let mut flat: Vec<Vec<(usize, Cell)>> = Vec::with_capacity(rows.len());
    for row in rows {
        let mut fields = Vec::new();
        row.serialize(Fields {
            prefix: String::new(),
            out: &mut fields,
        })
        .map_err(io::Error::other)?;
        let cells = fields
            .into_iter()
            .map(|(name, cell)| {
                let column = match header.iter().position(|h| *h == name) {
                    Some(c) => c,
                    None => {
                        header.push(name);
                        header.len() - 1
                    }
                };
                (column, cell)
            })
            .collect();
        flat.push(cells);
    }
    let line: Vec<String> = header.iter().map(|h| field(h)).collect();
    writeln!(out, "{}", line.join(","))?;
    let mut line = vec![String::new(); header.len()];
    for cells in flat {
        line.iter_mut().for_each(String::clear);
        for (column, cell) in cells {
            line[column] = match cell {
                Cell::Number(v) => number(v),
                Cell::Text(s) => field(&s),
                Cell::Empty => String::new(),
            };
        }
        writeln!(out, "{}", line.join(","))?;
    }
    Ok(())
}

/// A text field, quoted when it holds a comma, quote or line break.
pub(crate) fn field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// `v` rounded to [`DIGITS`] significant digits, in the shortest form that reads back as
/// that rounded value (`12.3457`, `0.000123457`, `1234570`, `inf`).
pub(crate) fn number(v: f64) -> String {
    if v.is_nan() {
        return String::new(); // a quantity the report leaves empty (JSON null)
    }
    if !v.is_finite() {
        return v.to_string();
    }
    let rounded: f64 = format!("{v:.*e}", DIGITS - 1)
        .parse()
        .expect("Rust reads its own exponent form");
    rounded.to_string()
}

/// Serializer collecting the scalar fields of one row.
struct Fields<'a> {
    prefix: String,
    out: &'a mut Vec<(String, Cell)>,
}

/// Serializer of one field's value.
struct Value<'a> {
    name: String,
    out: &'a mut Vec<(String, Cell)>,
}

fn unsupported(what: &str) -> Error {
    Error(format!("a {what} has no CSV column"))
}

#[derive(Debug)]
struct Error(String);

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

impl ser::Error for Error {
    fn custom<T: std::fmt::Display>(msg: T) -> Error {
        Error(msg.to_string())
    }
}

impl<'a> ser::Serializer for Fields<'a> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Impossible<(), Error>;
    type SerializeTuple = Impossible<(), Error>;
    type SerializeTupleStruct = Impossible<(), Error>;
    type SerializeTupleVariant = Impossible<(), Error>;
    type SerializeMap = Impossible<(), Error>;
    type SerializeStruct = Self;
    type SerializeStructVariant = Impossible<(), Error>;

    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self, Error> {
        Ok(self)
    }

    fn serialize_bool(self, _: bool) -> Result<(), Error> {
        Err(unsupported("row that is not an object"))
    }
    fn serialize_i8(self, _: i8) -> Result<(), Error> {
        Err(unsupported("row that is not an object"))
    }
    fn serialize_i16(self, _: i16) -> Result<(), Error> {
        Err(unsupported("row that is not an object"))
    }
    fn serialize_i32(self, _: i32) -> Result<(), Error> {
        Err(unsupported("row that is not an object"))
    }
    fn serialize_i64(self, _: i64) -> Result<(), Error> {
        Err(unsupported("row that is not an object"))
    }
    fn serialize_u8(self, _: u8) -> Result<(), Error> {
        Err(unsupported("row that is not an object"))
    }
    fn serialize_u16(self, _: u16) -> Result<(), Error> {
        Err(unsupported("row that is not an object"))
    }
    fn serialize_u32(self, _: u32) -> Result<(), Error> {
        Err(unsupported("row that is not an object"))
    }
    fn serialize_u64(self, _: u64) -> Result<(), Error> {
        Err(unsupported("row that is not an object"))
    }
    fn serialize_f32(self, _: f32) -> Result<(), Error> {
        Err(unsupported("row that is not an object"))
    }
    fn serialize_f64(self, _: f64) -> Result<(), Error> {
        Err(unsupported("row that is not an object"))
    }
    fn serialize_char(self, _: char) -> Result<(), Error> {
        Err(unsupported("row that is not an object"))
    }
    fn serialize_str(self, _: &str) -> Result<(), Error> {
        Err(unsupported("row that is not an object"))
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<(), Error> {
        Err(unsupported("row that is not an object"))
    }
    fn serialize_none(self) -> Result<(), Error> {
        Ok(())
    }
    fn serialize_some<T: ?Sized + Serialize>(self, value: &T) -> Result<(), Error> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), Error> {
        Ok(())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), Error> {
        Ok(())
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, _: &'static str) -> Result<(), Error> {
        Err(unsupported("row that is not an object"))
    }
    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<(), Error> {
        Err(unsupported("row that is not an object"))
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, Error> {
        Err(unsupported("list"))
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, Error> {
        Err(unsupported("list"))
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, Error> {
        Err(unsupported("list"))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, Error> {
        Err(unsupported("list"))
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, Error> {
        Err(unsupported("map"))
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, Error> {
        Err(unsupported("enum with fields"))
    }
}

impl ser::SerializeStruct for Fields<'_> {
    type Ok = ();
    type Error = Error;

    fn serialize_field<T: ?Sized + Serialize>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        value.serialize(Value {
            name: format!("{}{key}", self.prefix),
            out: self.out,
        })
    }

    fn end(self) -> Result<(), Error> {
        Ok(())
    }
}

impl Value<'_> {
    fn cell(self, cell: Cell) -> Result<(), Error> {
        self.out.push((self.name, cell));
        Ok(())
    }
}

impl<'a> ser::Serializer for Value<'a> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Impossible<(), Error>;
    type SerializeTuple = Impossible<(), Error>;
    type SerializeTupleStruct = Impossible<(), Error>;
    type SerializeTupleVariant = Impossible<(), Error>;
    type SerializeMap = Impossible<(), Error>;
    type SerializeStruct = Fields<'a>;
    type SerializeStructVariant = Impossible<(), Error>;

    fn serialize_bool(self, v: bool) -> Result<(), Error> {
        self.cell(Cell::Text(v.to_string()))
    }
    fn serialize_i8(self, v: i8) -> Result<(), Error> {
        self.cell(Cell::Text(v.to_string()))
    }
    fn serialize_i16(self, v: i16) -> Result<(), Error> {
        self.cell(Cell::Text(v.to_string()))
    }
    fn serialize_i32(self, v: i32) -> Result<(), Error> {
        self.cell(Cell::Text(v.to_string()))
    }
    fn serialize_i64(self, v: i64) -> Result<(), Error> {
        self.cell(Cell::Text(v.to_string()))
    }
    fn serialize_u8(self, v: u8) -> Result<(), Error> {
        self.cell(Cell::Text(v.to_string()))
    }
    fn serialize_u16(self, v: u16) -> Result<(), Error> {
        self.cell(Cell::Text(v.to_string()))
    }
    fn serialize_u32(self, v: u32) -> Result<(), Error> {
        self.cell(Cell::Text(v.to_string()))
    }
    fn serialize_u64(self, v: u64) -> Result<(), Error> {
        self.cell(Cell::Text(v.to_string()))
    }
    fn serialize_f32(self, v: f32) -> Result<(), Error> {
        self.cell(Cell::Number(v.into()))
    }
    fn serialize_f64(self, v: f64) -> Result<(), Error> {
        self.cell(Cell::Number(v))
    }
    fn serialize_char(self, v: char) -> Result<(), Error> {
        self.cell(Cell::Text(v.to_string()))
    }
    fn serialize_str(self, v: &str) -> Result<(), Error> {
        self.cell(Cell::Text(v.to_string()))
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<(), Error> {
        Err(unsupported("byte string"))
    }
    fn serialize_none(self) -> Result<(), Error> {
        self.cell(Cell::Empty)
    }
    fn serialize_some<T: ?Sized + Serialize>(self, value: &T) -> Result<(), Error> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), Error> {
        self.cell(Cell::Empty)
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), Error> {
        self.cell(Cell::Empty)
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<(), Error> {
        self.cell(Cell::Text(variant.to_string()))
    }
    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<(), Error> {
        Err(unsupported("enum with data"))
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, Error> {
        Err(unsupported("list"))
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, Error> {
        Err(unsupported("list"))
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, Error> {
        Err(unsupported("list"))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, Error> {
        Err(unsupported("list"))
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, Error> {
        Err(unsupported("map"))
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Fields<'a>, Error> {
        Ok(Fields {
            prefix: format!("{}.", self.name),
            out: self.out,
        })
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, Error> {
        Err(unsupported("enum with fields"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_have_six_significant_digits() {
        assert_eq!(number(12.345_678_9), "12.3457");
        assert_eq!(number(0.000_123_456_78), "0.000123457");
        assert_eq!(number(1_234_567.0), "1234570");
        assert_eq!(number(0.1 + 0.2), "0.3");
        assert_eq!(number(-2.5), "-2.5");
        assert_eq!(number(0.0), "0");
        assert_eq!(number(f64::INFINITY), "inf");
    }

    #[derive(Serialize)]
    struct Inner {
        a: f64,
    }

    #[derive(Serialize)]
    #[serde(rename_all = "snake_case")]
    enum State {
        AllGood,
    }

    #[derive(Serialize)]
    struct Row {
        id: &'static str,
        #[serde(skip_serializing_if = "Option::is_none")]
        extra: Option<f64>,
        inner: Option<Inner>,
        state: State,
        flag: bool,
    }

    #[test]
    fn columns_follow_the_json_fields() {
        let rows = [
            Row {
                id: "A,1",
                extra: None,
                inner: None,
                state: State::AllGood,
                flag: true,
            },
            Row {
                id: "B",
                extra: Some(1.0 / 3.0),
                inner: Some(Inner { a: 2.0 }),
                state: State::AllGood,
                flag: false,
            },
        ];
        let mut out = Vec::new();
        write_table(&mut out, &rows).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "id,inner,state,flag,extra,inner.a\n\
             \"A,1\",,all_good,true,,\n\
             B,,all_good,false,0.333333,2\n"
        );
    }
}
