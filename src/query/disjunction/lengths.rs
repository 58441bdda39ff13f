//! A field's lengths (tantivy's fieldnorm ids, a byte a passage), read with a hint ahead.
//!
//! A common word's walk reads the length of each passage it scores. At 2,000 plans a
//! field's lengths are about 290 KB a segment, which a core's cache holds between
//! searches; at 10,000 they are 1.4 MB, the passages of a word are tens of bytes apart,
//! and most of those reads wait on memory: the walk's cost grew faster than the corpus. The walk knows the doc ids of
//! its block ahead of scoring them, so it asks for their lengths early and the waits
//! overlap.

use tantivy::directory::OwnedBytes;
use tantivy::fieldnorm::FieldNormReader;
use tantivy::schema::Field;
use tantivy::{DocId, SegmentReader};

/// The lengths of one field in one segment.
pub(super) struct Lengths {
    /// tantivy's reader of the same bytes, for the block maxima tantivy computes.
    reader: FieldNormReader,
    /// A byte a passage; empty for a field without lengths.
    bytes: OwnedBytes,
    /// The id of every passage of a field without lengths.
    constant: u8,
}

impl Lengths {
    /// The lengths of `field` in `reader`; a field without them counts every passage as
    /// one term long.
    pub(super) fn open(reader: &SegmentReader, field: Field) -> tantivy::Result<Lengths> {
        let file = reader
            .fieldnorms_readers()
            .get_inner_file()
            .open_read(field);
        Ok(match file {
            Some(file) => Lengths {
                reader: FieldNormReader::open(file.clone())?,
                bytes: file.read_bytes()?,
                constant: 0,
            },
            None => Lengths {
                reader: FieldNormReader::constant(reader.max_doc(), 1),
                bytes: OwnedBytes::empty(),
                constant: FieldNormReader::fieldnorm_to_id(1),
            },
        })
    }

    /// The fieldnorm id of passage `doc`.
    #[inline]
    pub(super) fn id(&self, doc: DocId) -> u8 {
        self.bytes
            .as_slice()
            .get(doc as usize)
            .copied()
            .unwrap_or(self.constant)
    }

    /// tantivy's reader, for the block maxima it computes.
    pub(super) fn reader(&self) -> &FieldNormReader {
        &self.reader
    }

    /// Asks the processor to bring the length of `doc` into its cache; a hint only (nothing
    /// past the field's passages, nothing on a processor without the instruction).
    #[inline]
    pub(super) fn prefetch(&self, doc: DocId) {
        let Some(byte) = self.bytes.as_slice().get(doc as usize) else {
            return;
        };
        // SAFETY: a prefetch reads nothing and cannot fault; SSE is part of x86_64, and the
        // address is of a byte of the slice.
        #[cfg(target_arch = "x86_64")]
        unsafe {
            std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(
                (byte as *const u8).cast::<i8>(),
            );
        }
        #[cfg(not(target_arch = "x86_64"))]
        let _ = byte;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::schema::{Schema, TEXT};
    use tantivy::{doc, Index};

    #[test]
    fn the_lengths_are_tantivy_s_with_or_without_a_field_s_norms() {
        let mut schema = Schema::builder();
        let text = schema.add_text_field("text", TEXT);
        let number = schema.add_u64_field("number", tantivy::schema::INDEXED);
        let index = Index::create_in_ram(schema.build());
        let mut writer = index.writer_with_num_threads(1, 15_000_000).unwrap();
        for passage in [
            "la parentalité",
            "le soutien à la parentalité dans les quartiers prioritaires",
            "",
            "jeunes",
        ] {
            writer
                .add_document(doc!(text => passage, number => 1u64))
                .unwrap();
        }
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        let segment = searcher.segment_reader(0);
        let lengths = Lengths::open(segment, text).unwrap();
        let tantivy = segment.get_fieldnorms_reader(text).unwrap();
        let ids: Vec<u8> = (0..4).map(|doc| lengths.id(doc)).collect();
        assert_eq!(
            ids,
            (0..4)
                .map(|doc| tantivy.fieldnorm_id(doc))
                .collect::<Vec<_>>()
        );
        assert_eq!(ids, vec![2, 9, 0, 1]);
        // A hint past the passages is ignored.
        lengths.prefetch(1_000_000);
        let constant = Lengths::open(segment, number).unwrap();
        let tantivy = segment.get_fieldnorms_reader(number).unwrap();
        assert_eq!(constant.id(3), tantivy.fieldnorm_id(3));
        assert_eq!(constant.id(3), 1);
        constant.prefetch(0);
    }
}
