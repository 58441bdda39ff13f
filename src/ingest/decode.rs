//! Bytes → text: the encodings plans are saved in, and the refusal of binary files.
//!
//! Text exports come as UTF-8 (with or without BOM), UTF-16 with BOM, or Windows-1252 from
//! older Office versions; a mislabelled binary file must be refused here rather than indexed
//! as noise.

use unicode_normalization::UnicodeNormalization;

/// Bytes → String: UTF-8 (BOM stripped); UTF-16 LE/BE with BOM; otherwise
/// Windows-1252. Binary content and empty files are an `Err` with a reason
/// for a person. The result is NFC.
pub fn decode(bytes: &[u8]) -> Result<String, String> {
    if bytes.is_empty() {
        return Err("fichier vide".to_string());
    }
    let text = if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        reject_binary(rest)?;
        String::from_utf8_lossy(rest).into_owned()
    } else if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        encoding_rs::UTF_16LE
            .decode_without_bom_handling(rest)
            .0
            .into_owned()
    } else if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        encoding_rs::UTF_16BE
            .decode_without_bom_handling(rest)
            .0
            .into_owned()
    } else {
        reject_binary(bytes)?;
        match std::str::from_utf8(bytes) {
            Ok(text) => text.to_string(),
            Err(_) => encoding_rs::WINDOWS_1252
                .decode_without_bom_handling(bytes)
                .0
                .into_owned(),
        }
    };
    if text.as_bytes().contains(&0) || text_control_ratio_is_binary(&text) {
        return Err("contenu binaire (caractères de contrôle), pas un document texte".to_string());
    }
    if text.trim().is_empty() {
        return Err("fichier vide (seulement des espaces)".to_string());
    }
    Ok(into_nfc(text))
}

/// `text` in NFC, without a copy when it already is (the usual case).
pub(super) fn into_nfc(text: String) -> String {
    if is_nfc_quick_yes(&text) {
        text
    } else {
        text.nfc().collect()
    }
}

/// `is_nfc_quick(text) == Yes`, looking only at characters from U+0300 on:
/// the ones before are allowed starters, which reset the quick check's
/// state, so each run of later characters can be checked on its own.
fn is_nfc_quick_yes(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut at = 0;
    // A byte from 0xCC on starts a character from U+0300 on.
    let next_late = |from: usize| {
        let mut block_start = from;
        for block in bytes[from..].chunks(64) {
            if block.iter().fold(0u8, |max, &b| max.max(b)) >= 0xCC {
                return block
                    .iter()
                    .position(|&b| b >= 0xCC)
                    .map(|offset| block_start + offset);
            }
            block_start += block.len();
        }
        None
    };
    while let Some(start) = next_late(at) {
        let end = text[start..]
            .char_indices()
            .find(|&(_, c)| c < '\u{300}')
            .map_or(text.len(), |(i, _)| start + i);
        if unicode_normalization::is_nfc_quick(text[start..end].chars())
            != unicode_normalization::IsNormalized::Yes
        {
            return false;
        }
        at = end;
    }
    true
}

/// Too many control characters (see [`is_control`]) among the characters
/// of `text`, which are the bytes that do not continue a UTF-8 sequence.
fn text_control_ratio_is_binary(text: &str) -> bool {
    let (control, total) = count_controls_and_starts(text.as_bytes());
    total > 0 && control * 50 > total
}

/// Err when the bytes look like a binary file rather than text.
fn reject_binary(bytes: &[u8]) -> Result<(), String> {
    const MAGIC: [(&[u8], &str); 5] = [
        (b"%PDF", "un fichier PDF"),
        (b"PK\x03\x04", "une archive zip (DOCX ou ODT ?)"),
        (b"\xD0\xCF\x11\xE0", "un ancien fichier Office"),
        (b"\x89PNG", "une image PNG"),
        (b"\xFF\xD8\xFF", "une image JPEG"),
    ];
    for (magic, what) in MAGIC {
        if bytes.starts_with(magic) {
            return Err(format!(
                "contenu binaire ({what}), pas un document texte : donnez-lui l'extension de son format"
            ));
        }
    }
    if bytes.contains(&0) {
        return Err("contenu binaire (octets nuls), pas un document texte".to_string());
    }
    if byte_control_ratio_is_binary(bytes) {
        return Err("contenu binaire (caractères de contrôle), pas un document texte".to_string());
    }
    Ok(())
}

/// Too many control bytes (see [`is_control`]).
fn byte_control_ratio_is_binary(bytes: &[u8]) -> bool {
    let (control, _) = count_controls_and_starts(bytes);
    !bytes.is_empty() && control * 50 > bytes.len()
}

/// Control bytes (see [`is_control`]) and bytes that do not continue a
/// UTF-8 sequence, counted by blocks small enough for byte-wide counters.
fn count_controls_and_starts(bytes: &[u8]) -> (usize, usize) {
    let mut control = 0usize;
    let mut starts = 0usize;
    for block in bytes.chunks(255) {
        let mut block_control = 0u8;
        let mut block_starts = 0u8;
        for &byte in block {
            block_control += u8::from(is_control(byte));
            block_starts += u8::from(byte & 0xC0 != 0x80);
        }
        control += usize::from(block_control);
        starts += usize::from(block_starts);
    }
    (control, starts)
}

/// A C0 control character other than tab, newlines, form feed (or DEL):
/// more than 2 % of them means binary. Control characters are ASCII, so
/// they are counted on bytes whatever the encoding.
#[inline]
fn is_control(byte: u8) -> bool {
    byte < 0x20 && !matches!(byte, 0x09 | 0x0A | 0x0C | 0x0D) || byte == 0x7F
}
