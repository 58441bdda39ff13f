//! Document ids: the path without extension, unless two files would share it.
//!
//! Apart from reading because ids are given once every file is read and the duplicates
//! are gone: only then is it known which names clash.

use std::collections::HashMap;

use super::{walk, SourceFile};

/// Two files that would share an id (`plan.pdf`, `plan.docx` with different
/// texts) both keep their extension in it; every other id stays the path
/// without extension, so ids do not change when a format is added elsewhere.
pub(super) fn assign_doc_ids(files: &mut [SourceFile]) {
    let mut count: HashMap<String, usize> = HashMap::new();
    for file in files.iter() {
        *count.entry(file.doc_id.clone()).or_default() += 1;
    }
    for file in files.iter_mut() {
        if count[&file.doc_id] > 1 {
            file.doc_id = walk::sanitize_id(&file.source.file);
        }
    }
}
