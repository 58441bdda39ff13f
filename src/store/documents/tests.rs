//! documents.bin written and read back, and damaged copies refused.

use super::*;

fn sample() -> Vec<Document> {
    let a = crate::structure::parse(
        "ctg",
        "Convention territoriale globale\n\nAxe 2 : Accompagner les familles\n\nPARTENAIRES\nCAF, PMI / ASE\n\nSoutien à la parentalité, réseau d’écoute.",
    );
    let b = crate::structure::parse("vide", "");
    let c = crate::structure::parse("plat", "Une phrase sur l’accueil des enfants à Blagnac.");
    vec![a, b, c]
}

#[test]
fn documents_read_back_as_written() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("documents.bin");
    let documents = sample();
    write(&path, &documents).unwrap();
    let store = DocStore::open(&path).unwrap();
    assert_eq!(store.len(), 3);
    for (i, document) in documents.iter().enumerate() {
        assert_eq!(store.text(i), Some(document.text.as_str()));
        assert_eq!(store.sections(i), document.sections);
        let back = store.document(i).unwrap();
        assert_eq!(back.passages, document.passages);
        for passage in &document.passages {
            let stored = store.passage(i, passage.id).unwrap();
            assert_eq!(stored.text, document.passage_text(passage));
            assert_eq!(stored.field, passage.field.as_deref());
            assert_eq!(
                store.passage_place(i, passage.id),
                Some((passage.section, passage.field.is_some()))
            );
            assert_eq!(
                store.heading_path(i, stored.section),
                document.heading_path(passage.section)
            );
        }
    }
    let partners = store
        .passages(0)
        .find(|p| p.field == Some("PARTENAIRES"))
        .expect("the PARTENAIRES field");
    assert_eq!(
        partners.text,
        "CAF, PMI / ASE\n\nSoutien à la parentalité, réseau d’écoute."
    );
    assert_eq!(
        store.heading_path(0, partners.section),
        ["Axe 2 : Accompagner les familles"]
    );
    assert!(store.passage(0, 999).is_none());
    assert!(store.passage_place(0, 999).is_none());
    assert!(store.text(3).is_none());
}

#[test]
fn text_around_holds_the_span_and_its_context() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("documents.bin");
    let documents = sample();
    write(&path, &documents).unwrap();
    let store = DocStore::open(&path).unwrap();
    let mut narrower = 0;
    for (i, document) in documents.iter().enumerate() {
        let chars: Vec<char> = document.text.chars().collect();
        let n = chars.len();
        for start in 0..=n {
            for end in [start, (start + 3).min(n), n] {
                let context = 5;
                let (part, from) = store.text_around(i, start, end, context).unwrap();
                let len = part.chars().count();
                // The part is the text from `from` on, and holds span and context.
                let expected: String = chars[from..from + len].iter().collect();
                assert_eq!(part, expected, "doc {i} {start}..{end}");
                assert!(
                    from <= start.saturating_sub(context),
                    "doc {i} {start}..{end}"
                );
                assert!(
                    from + len >= (end + context).min(n),
                    "doc {i} {start}..{end}"
                );
                narrower += usize::from(len < n);
            }
        }
    }
    // Not the whole text every time: that is the point.
    assert!(narrower > 0);
    assert!(store.text_around(7, 0, 1, 5).is_none());
}

#[test]
fn damaged_files_are_errors_not_panics() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("documents.bin");
    write(&path, &sample()).unwrap();
    let bytes = fs::read(&path).unwrap();
    // Truncated anywhere: an error at open, or empty answers after.
    for cut in [
        0,
        7,
        HEADER_BYTES - 1,
        HEADER_BYTES + 3,
        bytes.len() / 2,
        bytes.len() - 1,
    ] {
        fs::write(&path, &bytes[..cut]).unwrap();
        if let Ok(store) = DocStore::open(&path) {
            for doc in 0..4 {
                let _ = store.text(doc);
                let _ = store.document(doc);
                let _ = store.heading_path(doc, Some(0));
            }
        }
    }
    // Garbage in the tables: reads stay in bounds.
    let mut garbage = bytes.clone();
    for byte in garbage.iter_mut().skip(HEADER_BYTES).step_by(3) {
        *byte = 0xFF;
    }
    fs::write(&path, &garbage).unwrap();
    if let Ok(store) = DocStore::open(&path) {
        for doc in 0..3 {
            let _ = store.document(doc);
            let _ = store.passages(doc).count();
            let _ = store.heading_path(doc, Some(1));
        }
    }
    fs::write(&path, b"MLGDOCS1 not this format").unwrap();
    assert!(DocStore::open(&path).is_err());
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    /// Reads everything a document store can give.
    fn read_all(store: &DocStore) {
        for doc in 0..store.len() + 1 {
            let _ = store.text(doc);
            let _ = store.document(doc);
            for passage in store.passages(doc) {
                let _ = store.heading_path(doc, passage.section);
            }
            for passage in 0..store.n_passages(doc) + 1 {
                let _ = store.passage_place(doc, passage);
            }
        }
    }

    proptest! {
        #[test]
        fn any_damage_gives_errors_or_answers_never_a_panic(
            flips in proptest::collection::vec((any::<usize>(), any::<u8>()), 0..24),
            cut in any::<usize>(),
        ) {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("documents.bin");
            write(&path, &sample()).unwrap();
            let mut bytes = fs::read(&path).unwrap();
            for (at, value) in flips {
                let at = at % bytes.len();
                bytes[at] = value;
            }
            bytes.truncate(cut % (bytes.len() + 1));
            fs::write(&path, &bytes).unwrap();
            if let Ok(store) = DocStore::open(&path) {
                read_all(&store);
            }
        }
    }
}
