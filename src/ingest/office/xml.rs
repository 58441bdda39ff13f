//! Small helpers over quick-xml shared by the readers.

use quick_xml::events::{BytesRef, BytesStart};
use quick_xml::name::ResolveResult;
use quick_xml::{NsReader, XmlVersion};

use quick_xml::events::Event;

use super::layout::Layout;
use super::types::Unreadable;
use super::zipread::{io_error, Budgeted, Package};

pub(crate) type XmlReader<'r, 'z> = NsReader<&'r mut std::io::BufReader<Budgeted<'z>>>;

pub(crate) fn reader<'r, 'z>(input: &'r mut std::io::BufReader<Budgeted<'z>>) -> XmlReader<'r, 'z> {
    let mut reader = NsReader::from_reader(input);
    let config = reader.config_mut();
    config.check_end_names = true;
    config.expand_empty_elements = false;
    config.trim_text(false);
    reader
}

/// The next event of `part`, with what `ns` makes of the namespace URI its element
/// resolved to; a malformed document or a spent budget is the part's error.
pub(crate) fn next_event<'b, N>(
    reader: &mut XmlReader<'_, '_>,
    buf: &'b mut Vec<u8>,
    part: &str,
    ns: impl Fn(&str) -> N,
) -> Result<(N, quick_xml::events::Event<'b>), Unreadable> {
    buf.clear();
    match reader.read_resolved_event_into(buf) {
        Ok((resolved, event)) => Ok((ns(ns_uri(&resolved)), event)),
        Err(e) => Err(error(reader, part, &e)),
    }
}

/// What a reader of a document part does with its elements. The walk itself (events,
/// skipped elements, the stack of open elements, a truncated or empty part) is
/// [`walk_part`], one for DOCX and ODT.
pub(crate) trait PartReader {
    /// What the reader makes of a namespace URI.
    type Ns: Copy;
    /// What an open element is, for what its end must do.
    type Frame: Copy;

    fn ns_of(uri: &str) -> Self::Ns;

    /// An element opens: pushes its frame onto `frames`, or answers false to skip its
    /// content.
    fn start(
        &mut self,
        ns: Self::Ns,
        e: &BytesStart<'_>,
        frames: &mut Vec<Self::Frame>,
        layout: &mut Layout,
    ) -> Result<bool, Unreadable>;

    /// An element closes (`local` is its local name).
    fn end(
        &mut self,
        frame: Self::Frame,
        ns: Self::Ns,
        local: &str,
        layout: &mut Layout,
    ) -> Result<(), Unreadable>;

    /// Text inside the innermost open element; `from_ref` for a character reference.
    fn text(
        &mut self,
        text: &str,
        from_ref: bool,
        frames: &[Self::Frame],
        layout: &mut Layout,
    ) -> Result<(), Unreadable>;
}

/// Walks `part` of `pkg` with `reader`; a missing part is damage.
pub(crate) fn walk_part<R: PartReader>(
    reader: &mut R,
    pkg: &mut Package<'_>,
    part: &str,
    layout: &mut Layout,
) -> Result<(), Unreadable> {
    let walked = pkg.with_entry(part, |input| {
        let mut xml = self::reader(input);
        let mut buf = Vec::new();
        let mut skip = Vec::new();
        let mut frames: Vec<R::Frame> = Vec::new();
        let mut rooted = false;
        loop {
            let (ns, event) = next_event(&mut xml, &mut buf, part, R::ns_of)?;
            match event {
                Event::Start(e) => {
                    rooted = true;
                    if !reader.start(ns, &e, &mut frames, layout)? {
                        skip.clear();
                        if let Err(err) = xml.read_to_end_into(e.name(), &mut skip) {
                            return Err(error(&xml, part, &err));
                        }
                    }
                }
                Event::Empty(e) => {
                    rooted = true;
                    let depth = frames.len();
                    if reader.start(ns, &e, &mut frames, layout)? && frames.len() > depth {
                        if let Some(frame) = frames.pop() {
                            reader.end(frame, ns, e.local_name().as_ref(), layout)?;
                        }
                    }
                }
                Event::End(e) => match frames.pop() {
                    Some(frame) => reader.end(frame, ns, e.local_name().as_ref(), layout)?,
                    None => return Err(truncated(part)),
                },
                Event::Text(t) => reader.text(&t.xml10_content(), false, &frames, layout)?,
                Event::CData(t) => reader.text(&t.xml10_content(), false, &frames, layout)?,
                Event::GeneralRef(r) => {
                    let c = general_ref(&r, part)?;
                    reader.text(c.encode_utf8(&mut [0; 4]), true, &frames, layout)?;
                }
                Event::Eof => {
                    if !frames.is_empty() {
                        return Err(truncated(part));
                    }
                    if !rooted {
                        return Err(Unreadable::Damaged(format!("{part} : aucun élément XML")));
                    }
                    return Ok(());
                }
                _ => {}
            }
        }
    })?;
    walked.ok_or_else(|| Unreadable::Damaged(format!("{part} absent")))
}

/// A reader of a definitions part (styles, numbering): a flat walk of its elements, with
/// no stack and no text.
pub(crate) trait DefinitionsReader {
    /// An element opens (`empty`: it has no content); true skips its content.
    fn start(&mut self, e: &BytesStart<'_>, empty: bool) -> bool;
    /// An element closes.
    fn end(&mut self, local: &str);
}

/// Reads `part` of `pkg` with `reader`; false when the part is missing.
pub(crate) fn read_definitions(
    reader: &mut impl DefinitionsReader,
    pkg: &mut Package<'_>,
    part: &str,
) -> Result<bool, Unreadable> {
    let read = pkg.with_entry(part, |input| {
        let mut xml = self::reader(input);
        let mut buf = Vec::new();
        let mut skip = Vec::new();
        loop {
            buf.clear();
            let event = match xml.read_event_into(&mut buf) {
                Ok(event) => event,
                Err(e) => return Err(error(&xml, part, &e)),
            };
            match event {
                Event::Start(ref e) | Event::Empty(ref e) => {
                    let empty = matches!(event, Event::Empty(_));
                    if reader.start(e, empty) && !empty {
                        skip.clear();
                        if let Err(err) = xml.read_to_end_into(e.name(), &mut skip) {
                            return Err(error(&xml, part, &err));
                        }
                    }
                }
                Event::End(e) => reader.end(e.local_name().as_ref()),
                Event::Eof => return Ok(()),
                _ => {}
            }
        }
    })?;
    Ok(read.is_some())
}

/// The namespace URI an element resolved to (empty when unbound or unknown).
pub(crate) fn ns_uri<'a>(resolved: &ResolveResult<'a>) -> &'a str {
    match resolved {
        ResolveResult::Bound(ns) => ns.0,
        _ => "",
    }
}

/// The value of the attribute whose local name is `local` (any prefix).
pub(crate) fn attr(e: &BytesStart<'_>, local: &str) -> Option<String> {
    for a in e.attributes().with_checks(false).flatten() {
        let key = a.key.as_ref();
        let name = key.rsplit(':').next().unwrap_or(key);
        if name == local {
            return a
                .normalized_value(XmlVersion::Implicit1_0)
                .ok()
                .map(|v| v.into_owned());
        }
    }
    None
}

/// The relationship an element names (`r:id`: an `id` with a prefix, not a bare `id`).
pub(crate) fn relationship_id(e: &BytesStart<'_>) -> Option<String> {
    for a in e.attributes().with_checks(false).flatten() {
        let key = a.key.as_ref();
        if key.ends_with(":id") {
            return a
                .normalized_value(XmlVersion::Implicit1_0)
                .ok()
                .map(|v| v.into_owned());
        }
    }
    None
}

/// Whether an OOXML on/off attribute value means "on" (absent value = on).
pub(crate) fn on(value: Option<&str>) -> bool {
    !matches!(value, Some("0" | "false" | "off"))
}

/// The text a `&…;` reference stands for.
pub(crate) fn general_ref(r: &BytesRef<'_>, part: &str) -> Result<char, Unreadable> {
    if let Ok(Some(c)) = r.resolve_char_ref() {
        return Ok(c);
    }
    match r.as_ref() {
        "lt" => Ok('<'),
        "gt" => Ok('>'),
        "amp" => Ok('&'),
        "apos" => Ok('\''),
        "quot" => Ok('"'),
        other => Err(Unreadable::Damaged(format!(
            "XML invalide dans {part} (référence inconnue &{};)",
            other.chars().take(20).collect::<String>()
        ))),
    }
}

/// A parse error of `part`: `TooLarge` when the decompression budget ran out.
pub(crate) fn error(reader: &XmlReader<'_, '_>, part: &str, e: &quick_xml::Error) -> Unreadable {
    let budgeted = reader.get_ref().get_ref();
    if budgeted.exceeded() {
        return io_error(budgeted, part, &std::io::Error::other("budget"));
    }
    let mut detail = e.to_string();
    if detail.len() > 160 {
        let mut cut = 160;
        while !detail.is_char_boundary(cut) {
            cut -= 1;
        }
        detail.truncate(cut);
        detail.push('…');
    }
    Unreadable::Damaged(format!("XML invalide dans {part} ({detail})"))
}

pub(crate) fn truncated(part: &str) -> Unreadable {
    Unreadable::Damaged(format!("XML tronqué dans {part}"))
}

/// The text of the first element `local` in namespace `ns` of `part` (a title in
/// core.xml / meta.xml): white space collapsed, at most 500 characters, `None` when
/// empty, absent or unreadable (only running out of budget is an error).
pub(crate) fn first_element_text(
    pkg: &mut super::zipread::Package<'_>,
    part: &str,
    ns: &str,
    local: &str,
) -> Result<Option<String>, Unreadable> {
    use quick_xml::events::Event;
    let found = pkg.with_entry(part, |input| {
        let mut reader = reader(input);
        let mut buf = Vec::new();
        let mut inside = 0usize;
        let mut text = String::new();
        loop {
            let (here, event) = next_event(&mut reader, &mut buf, part, |uri| uri == ns)?;
            match event {
                Event::Start(e) if inside > 0 || (here && e.local_name().as_ref() == local) => {
                    inside += 1
                }
                Event::End(_) if inside > 0 => {
                    inside -= 1;
                    if inside == 0 {
                        break;
                    }
                }
                Event::Text(t) if inside > 0 => {
                    super::layout::push_clean(&mut text, &t.xml10_content());
                }
                Event::GeneralRef(r) if inside > 0 => text.push(general_ref(&r, part)?),
                Event::Eof => break,
                _ => {}
            }
            if text.len() > 4000 {
                break;
            }
        }
        Ok(text)
    });
    let text = match found {
        Ok(Some(text)) => text,
        Ok(None) => return Ok(None),
        Err(Unreadable::TooLarge(d)) => return Err(Unreadable::TooLarge(d)),
        Err(_) => return Ok(None),
    };
    let title: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let title: String = title.chars().take(500).collect();
    Ok((!title.is_empty()).then_some(title))
}

/// Number formats of list labels, DOCX and ODF alike.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NumFmt {
    Decimal,
    DecimalZero,
    LowerLetter,
    UpperLetter,
    LowerRoman,
    UpperRoman,
    None,
}

pub(crate) fn format_number(n: i64, fmt: NumFmt) -> String {
    match fmt {
        NumFmt::None => String::new(),
        NumFmt::Decimal => n.to_string(),
        NumFmt::DecimalZero => format!("{n:02}"),
        NumFmt::LowerLetter | NumFmt::UpperLetter if n >= 1 => {
            let base = if fmt == NumFmt::LowerLetter {
                b'a'
            } else {
                b'A'
            };
            let letter = (base + ((n - 1) % 26) as u8) as char;
            let times = ((n - 1) / 26 + 1).min(8) as usize;
            std::iter::repeat_n(letter, times).collect()
        }
        NumFmt::LowerRoman | NumFmt::UpperRoman if (1..4000).contains(&n) => {
            const DIGITS: [(i64, &str); 13] = [
                (1000, "M"),
                (900, "CM"),
                (500, "D"),
                (400, "CD"),
                (100, "C"),
                (90, "XC"),
                (50, "L"),
                (40, "XL"),
                (10, "X"),
                (9, "IX"),
                (5, "V"),
                (4, "IV"),
                (1, "I"),
            ];
            let mut n = n;
            let mut out = String::new();
            for (value, digits) in DIGITS {
                while n >= value {
                    out.push_str(digits);
                    n -= value;
                }
            }
            if fmt == NumFmt::LowerRoman {
                out.to_ascii_lowercase()
            } else {
                out
            }
        }
        _ => n.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_format_like_word_and_writer() {
        assert_eq!(format_number(3, NumFmt::Decimal), "3");
        assert_eq!(format_number(3, NumFmt::DecimalZero), "03");
        assert_eq!(format_number(28, NumFmt::LowerLetter), "bb");
        assert_eq!(format_number(2, NumFmt::UpperLetter), "B");
        assert_eq!(format_number(14, NumFmt::UpperRoman), "XIV");
        assert_eq!(format_number(9, NumFmt::LowerRoman), "ix");
        assert_eq!(format_number(0, NumFmt::LowerRoman), "0");
    }
}
