//! A streaming walk over TCX and GPX with quick-xml, by local name.
//!
//! Safety: quick-xml never expands entities (an `&name;` arrives as its own event, which
//! the walk drops, and text is used as written), and a document with a DOCTYPE is
//! refused before anything else is read, so neither nested nor external entities can
//! make a small file expand. Nothing is kept per element but the innermost name, so
//! memory follows the number of track points, not the depth or size of the markup.

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use super::ImportError;

/// Elements nested deeper than this are not a watch export.
const MAX_DEPTH: usize = 64;

/// What a reader of one format does with the walk.
pub(super) trait Handler {
    /// An element opens (`<name ...>` or `<name/>`, which also closes).
    fn open(&mut self, name: &[u8], tag: &BytesStart<'_>) -> Result<(), ImportError>;
    /// Text directly inside the element `name`, trimmed.
    fn text(&mut self, name: &[u8], text: &str) -> Result<(), ImportError>;
    fn close(&mut self, name: &[u8]) -> Result<(), ImportError>;
}

/// Strips a UTF-8 byte order mark.
fn without_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)
}

fn reader(bytes: &[u8]) -> Reader<&[u8]> {
    let mut reader = Reader::from_reader(without_bom(bytes));
    let config = reader.config_mut();
    config.trim_text(true);
    config.check_end_names = true;
    reader
}

fn damaged(format: &'static str, error: impl std::fmt::Display) -> ImportError {
    ImportError::Damaged {
        format,
        detail: error.to_string(),
    }
}

/// The local name of the first element, or `None` if the bytes are not XML at all.
pub(super) fn root_name(bytes: &[u8]) -> Result<Option<String>, ImportError> {
    let start = without_bom(bytes).trim_ascii_start();
    if !start.starts_with(b"<") {
        return Ok(None);
    }
    let mut reader = reader(bytes);
    loop {
        match reader.read_event() {
            Ok(Event::Start(tag) | Event::Empty(tag)) => {
                let name = tag.local_name();
                return Ok(Some(String::from_utf8_lossy(name.as_ref()).into_owned()));
            }
            Ok(Event::DocType(_)) => return Err(ImportError::DocType),
            Ok(Event::Eof) => return Ok(None),
            Ok(_) => {}
            // Looked like markup, but is not XML: not a format we know.
            Err(_) => return Ok(None),
        }
    }
}

/// Walks the whole document, calling `handler` for every element and text.
pub(super) fn walk(
    bytes: &[u8],
    format: &'static str,
    handler: &mut impl Handler,
) -> Result<(), ImportError> {
    let mut reader = reader(bytes);
    let mut depth = 0usize;
    // The innermost open element: text belongs to it.
    let mut current: Vec<u8> = Vec::new();
    loop {
        let event = match reader.read_event() {
            Ok(event) => event,
            // A syntax error at the very end is a file cut off inside a tag.
            Err(quick_xml::Error::Syntax(_))
                if reader.buffer_position() as usize >= without_bom(bytes).len() =>
            {
                return Err(ImportError::Truncated(format));
            }
            Err(error) => return Err(damaged(format, error)),
        };
        match event {
            Event::Start(tag) => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Err(damaged(format, "elements nest more than 64 deep"));
                }
                current.clear();
                current.extend_from_slice(tag.local_name().as_ref());
                handler.open(&current, &tag)?;
            }
            Event::Empty(tag) => {
                let name = tag.local_name();
                handler.open(name.as_ref(), &tag)?;
                handler.close(name.as_ref())?;
            }
            Event::End(tag) => {
                depth = depth.saturating_sub(1);
                current.clear();
                handler.close(tag.local_name().as_ref())?;
            }
            Event::Text(text) if !current.is_empty() => {
                let text = text.decode().map_err(|error| damaged(format, error))?;
                handler.text(&current, text.trim())?;
            }
            Event::CData(data) if !current.is_empty() => {
                let text = data.decode().map_err(|error| damaged(format, error))?;
                handler.text(&current, text.trim())?;
            }
            Event::DocType(_) => return Err(ImportError::DocType),
            Event::Eof if depth > 0 => return Err(ImportError::Truncated(format)),
            Event::Eof => return Ok(()),
            // Entity references, comments, processing instructions: nothing to read.
            _ => {}
        }
    }
}

/// A number from an element's text, `None` when it is not one.
pub(super) fn number(text: &str) -> Option<f64> {
    text.trim()
        .parse::<f64>()
        .ok()
        .filter(|value| value.is_finite())
}

/// An RFC 3339 time ("2021-01-19T17:43:35.000Z"), in UTC.
pub(super) fn timestamp(text: &str) -> Option<time::OffsetDateTime> {
    time::OffsetDateTime::parse(text.trim(), &time::format_description::well_known::Rfc3339)
        .ok()
        .map(|at| at.to_offset(time::UtcOffset::UTC))
}

/// An attribute's value as text, if present and readable.
pub(super) fn attribute(tag: &BytesStart<'_>, name: &[u8]) -> Option<String> {
    tag.attributes()
        .flatten()
        .find(|attr| attr.key.local_name().as_ref() == name)
        .and_then(|attr| {
            std::str::from_utf8(&attr.value)
                .ok()
                .map(|value| value.trim().to_owned())
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Texts(Vec<(String, String)>);

    impl Handler for Texts {
        fn open(&mut self, _: &[u8], _: &BytesStart<'_>) -> Result<(), ImportError> {
            Ok(())
        }
        fn text(&mut self, name: &[u8], text: &str) -> Result<(), ImportError> {
            self.0
                .push((String::from_utf8_lossy(name).into_owned(), text.to_owned()));
            Ok(())
        }
        fn close(&mut self, _: &[u8]) -> Result<(), ImportError> {
            Ok(())
        }
    }

    #[test]
    fn names_are_matched_whatever_the_prefix() {
        let xml = b"<a xmlns:ns3='x'><ns3:RunCadence>82</ns3:RunCadence><cad>80</cad></a>";
        let mut texts = Texts(Vec::new());
        walk(xml, "TCX", &mut texts).unwrap();
        assert_eq!(
            texts.0,
            vec![
                ("RunCadence".to_string(), "82".to_string()),
                ("cad".to_string(), "80".to_string())
            ]
        );
        assert_eq!(root_name(xml).unwrap().as_deref(), Some("a"));
    }

    #[test]
    fn entity_bombs_are_refused_and_entities_never_expand() {
        let bomb = br#"<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<gpx><trk><name>&lol3;</name></trk></gpx>"#;
        assert!(matches!(root_name(bomb), Err(ImportError::DocType)));
        assert!(matches!(
            walk(bomb, "GPX", &mut Texts(Vec::new())),
            Err(ImportError::DocType)
        ));
        let external = br#"<!DOCTYPE gpx SYSTEM "file:///etc/passwd"><gpx/>"#;
        assert!(matches!(root_name(external), Err(ImportError::DocType)));
        // Without a DOCTYPE an entity reference is dropped, not looked up.
        let mut texts = Texts(Vec::new());
        walk(b"<a><b>&lol3;</b></a>", "GPX", &mut texts).unwrap();
        assert!(texts.0.iter().all(|(_, text)| !text.contains("lol")));
    }

    #[test]
    fn cut_off_and_broken_documents_say_so() {
        assert!(matches!(
            walk(b"<gpx><trk><trkpt>", "GPX", &mut Texts(Vec::new())),
            Err(ImportError::Truncated("GPX"))
        ));
        assert!(matches!(
            walk(b"<gpx><trk></gpx>", "GPX", &mut Texts(Vec::new())),
            Err(ImportError::Damaged { .. })
        ));
        let deep = "<a>".repeat(100);
        assert!(matches!(
            walk(deep.as_bytes(), "GPX", &mut Texts(Vec::new())),
            Err(ImportError::Damaged { .. })
        ));
        assert_eq!(root_name(b"\x00\x01binary").unwrap(), None);
    }

    #[test]
    fn numbers_and_times_parse_or_are_none() {
        assert_eq!(number(" 82 "), Some(82.0));
        assert_eq!(number("NaN"), None);
        assert_eq!(number("x"), None);
        let at = timestamp("2021-01-19T18:43:35.000+01:00").unwrap();
        assert_eq!(at, time::macros::datetime!(2021-01-19 17:43:35 UTC));
        assert_eq!(timestamp("yesterday"), None);
    }
}
