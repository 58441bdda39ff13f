//! Second chance for a PDF the library cannot open (truncated file, damaged
//! cross-reference table or catalog): scan the bytes for `N G obj` headers,
//! append a fresh cross-reference table and trailer, and, when the catalog or
//! page tree is lost, a synthesized catalog whose page tree lists the page
//! objects found, in file order.
//!
//! Objects kept inside compressed object streams cannot be found this way:
//! such files stay unreadable once their cross-reference stream is lost.

use std::collections::BTreeMap;
use std::fmt::Write;

const MAX_OBJ_NUM: u32 = 2_000_000;

fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\n' | b'\r' | b'\t' | b'\x0c' | b'\0')
}

fn is_delim(b: u8) -> bool {
    is_ws(b)
        || matches!(
            b,
            b'<' | b'>' | b'[' | b']' | b'(' | b')' | b'/' | b'%' | b'{' | b'}'
        )
}

/// (object number, generation, offset of the header).
fn scan_objects(b: &[u8]) -> Vec<(u32, u16, usize)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i + 3 <= b.len() {
        let Some(p) = find(&b[i..], b"obj") else {
            break;
        };
        let at = i + p;
        i = at + 3;
        if at + 3 < b.len() && !is_delim(b[at + 3]) {
            continue;
        }
        // Back over: whitespace, generation digits, whitespace, number digits.
        let mut j = at;
        let ws1 = j;
        while j > 0 && is_ws(b[j - 1]) {
            j -= 1;
        }
        if j == ws1 {
            continue;
        }
        let gen_end = j;
        while j > 0 && b[j - 1].is_ascii_digit() {
            j -= 1;
        }
        if j == gen_end || gen_end - j > 5 {
            continue;
        }
        let gen_start = j;
        let ws2 = j;
        while j > 0 && is_ws(b[j - 1]) {
            j -= 1;
        }
        if j == ws2 {
            continue;
        }
        let num_end = j;
        while j > 0 && b[j - 1].is_ascii_digit() {
            j -= 1;
        }
        if j == num_end || num_end - j > 7 || (j > 0 && !is_delim(b[j - 1])) {
            continue;
        }
        let num: u32 = match std::str::from_utf8(&b[j..num_end])
            .ok()
            .and_then(|s| s.parse().ok())
        {
            Some(n) => n,
            None => continue,
        };
        let gen: u16 = match std::str::from_utf8(&b[gen_start..gen_end])
            .ok()
            .and_then(|s| s.parse().ok())
        {
            Some(n) => n,
            None => continue,
        };
        if num == 0 || num > MAX_OBJ_NUM {
            continue;
        }
        out.push((num, gen, j));
    }
    out
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() || hay.len() < needle.len() {
        return None;
    }
    let first = needle[0];
    let mut i = 0;
    while i + needle.len() <= hay.len() {
        match hay[i..hay.len() - needle.len() + 1]
            .iter()
            .position(|&c| c == first)
        {
            Some(p) => {
                let k = i + p;
                if &hay[k..k + needle.len()] == needle {
                    return Some(k);
                }
                i = k + 1;
            }
            None => return None,
        }
    }
    None
}

/// `/Type /Page` (not `/Pages`), `/Type /Catalog`… in the object's dictionary head.
fn has_type(body: &[u8], ty: &[u8]) -> bool {
    let mut i = 0;
    while let Some(p) = find(&body[i..], b"/Type") {
        let mut k = i + p + 5;
        while k < body.len() && is_ws(body[k]) {
            k += 1;
        }
        if body[k..].starts_with(b"/") && body[k + 1..].starts_with(ty) {
            let end = k + 1 + ty.len();
            if end >= body.len() || is_delim(body[end]) {
                return true;
            }
        }
        i = i + p + 5;
    }
    false
}

/// Candidate repaired files, best first.
pub fn rebuild(bytes: &[u8]) -> Vec<Vec<u8>> {
    let objs = scan_objects(bytes);
    if objs.is_empty() {
        return Vec::new();
    }
    // Last definition wins (incremental updates); an object must be complete.
    let mut table: BTreeMap<u32, (u16, usize)> = BTreeMap::new();
    let mut pages: Vec<(usize, u32, u16)> = Vec::new();
    let mut catalog: Option<(u32, u16)> = None;
    let mut info: Option<(u32, u16)> = None;
    for (k, &(num, gen, off)) in objs.iter().enumerate() {
        let next = objs.get(k + 1).map(|o| o.2).unwrap_or(bytes.len());
        let body = &bytes[off..next.max(off)];
        let complete = find(body, b"endobj").is_some();
        if !complete {
            continue;
        }
        table.insert(num, (gen, off));
        let head = &body[..body.len().min(4096)];
        let head = match find(head, b"stream") {
            Some(s) => &head[..s],
            None => head,
        };
        if has_type(head, b"Page") {
            pages.push((off, num, gen));
        } else if has_type(head, b"Catalog") {
            catalog = Some((num, gen));
        } else if (find(head, b"/Producer").is_some()
            || find(head, b"/Creator").is_some()
            || find(head, b"/Title").is_some())
            && find(head, b"/Type").is_none()
        {
            info = Some((num, gen));
        }
    }
    let max_num = table.keys().next_back().copied().unwrap_or(0);
    let mut out = Vec::new();
    if let Some(cat) = catalog {
        out.push(write(bytes, &table, max_num, cat, info, None));
    }
    if !pages.is_empty() {
        pages.sort();
        let pages_num = max_num + 1;
        let cat_num = max_num + 2;
        let mut kids = String::new();
        for (_, n, g) in pages.iter().take(100_000) {
            let _ = write!(kids, "{n} {g} R ");
        }
        let extra = format!(
            "{pages_num} 0 obj\n<< /Type /Pages /Kids [{kids}] /Count {} /MediaBox [0 0 595 842] >>\nendobj\n{cat_num} 0 obj\n<< /Type /Catalog /Pages {pages_num} 0 R >>\nendobj\n",
            pages.len().min(100_000)
        );
        out.push(write(
            bytes,
            &table,
            max_num,
            (cat_num, 0),
            info,
            Some((pages_num, extra)),
        ));
    }
    out
}

fn write(
    bytes: &[u8],
    table: &BTreeMap<u32, (u16, usize)>,
    max_num: u32,
    root: (u32, u16),
    info: Option<(u32, u16)>,
    extra: Option<(u32, String)>,
) -> Vec<u8> {
    let mut v = Vec::with_capacity(bytes.len() + 64 + 20 * (max_num as usize + 3));
    v.extend_from_slice(bytes);
    v.extend_from_slice(b"\n");
    let mut table = table.clone();
    let mut size = max_num + 1;
    if let Some((first, text)) = extra {
        // Offsets of the two synthesized objects.
        let base = v.len();
        let second = text.find("endobj\n").map(|p| p + 7).unwrap_or(0);
        table.insert(first, (0, base));
        table.insert(first + 1, (0, base + second));
        v.extend_from_slice(text.as_bytes());
        size = first + 2;
    }
    let xref_at = v.len();
    let mut x = String::with_capacity(20 * size as usize + 64);
    let _ = write!(x, "xref\n0 {size}\n0000000000 65535 f \n");
    for n in 1..size {
        match table.get(&n) {
            Some((g, off)) => {
                let _ = writeln!(x, "{off:010} {g:05} n ");
            }
            None => x.push_str("0000000000 65535 f \n"),
        }
    }
    let _ = write!(x, "trailer\n<< /Size {size} /Root {} {} R", root.0, root.1);
    if let Some((n, g)) = info {
        let _ = write!(x, " /Info {n} {g} R");
    }
    let _ = write!(x, " >>\nstartxref\n{xref_at}\n%%EOF\n");
    v.extend_from_slice(x.as_bytes());
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_objects_and_types() {
        let pdf = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n3 0 obj\n<< /Type /Page /Parent 2 0 R >>\nendobj\n4 0 obj\n<< /Type /Pa";
        let objs = scan_objects(pdf);
        assert_eq!(
            objs.iter().map(|o| o.0).collect::<Vec<_>>(),
            vec![1, 2, 3, 4]
        );
        let out = rebuild(pdf);
        assert_eq!(out.len(), 2);
        let s = String::from_utf8_lossy(&out[1]);
        assert!(s.contains("/Kids [3 0 R ]"), "{s}");
        assert!(s.contains("trailer"));
    }
}
