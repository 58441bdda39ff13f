//! Running a format's reader on its own thread, with a time budget.
//!
//! The readers parse files we did not write (PDF above all), so one of them may panic or
//! loop on a damaged file. Each runs on a named thread: a panic becomes a skipped file
//! with a reason, a reader past its budget is abandoned, and the run goes on.

use std::time::Duration;

use super::{office, pdf, Extracted, Limits, SkipReason, Unreadable};
use crate::model::SourceFormat;

/// Names the threads readers run on.
const READER_THREAD: &str = "lecture ";

/// A panic inside a reader is caught and becomes a skipped file with its reason:
/// the default hook would also print it as if the program had crashed, so for
/// reader threads it is logged at debug level instead.
fn quiet_reader_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let reader = std::thread::current()
                .name()
                .is_some_and(|name| name.starts_with(READER_THREAD));
            if reader {
                tracing::debug!("reader panic (file skipped): {info}");
            } else {
                default(info);
            }
        }));
    });
}

/// Runs the reader of `format` on its own thread, so that a reader that panics
/// skips its file and one that runs past `budget` is abandoned (its thread ends
/// with the process; the file is skipped).
pub(super) fn extract_guarded(
    format: SourceFormat,
    bytes: Vec<u8>,
    limits: Limits,
    budget: Duration,
) -> Result<Extracted, SkipReason> {
    quiet_reader_panics();
    let (sender, receiver) = std::sync::mpsc::sync_channel(1);
    let spawned = std::thread::Builder::new()
        .name(format!("{READER_THREAD}{}", format.as_str()))
        .stack_size(16 << 20)
        .spawn(move || {
            let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| match format {
                SourceFormat::Pdf => pdf::extract(&bytes, &limits),
                SourceFormat::Docx => office::docx::extract(&bytes, &limits),
                SourceFormat::Odt | SourceFormat::Odp | SourceFormat::Ods => {
                    office::odf::extract(&bytes, &limits)
                }
                SourceFormat::Pptx => office::pptx::extract(&bytes, &limits),
                SourceFormat::Xlsx => office::xlsx::extract(&bytes, &limits),
                _ => Err(Unreadable::Damaged("pas un format à extraire".into())),
            }));
            let _ = sender.send(outcome);
        });
    if let Err(error) = spawned {
        return Err(SkipReason::CannotRead(error.to_string()));
    }
    match receiver.recv_timeout(budget) {
        Ok(Ok(Ok(extracted))) => Ok(extracted),
        Ok(Ok(Err(unreadable))) => Err(SkipReason::Unreadable(unreadable)),
        Ok(Err(_panic)) => Err(SkipReason::Unreadable(Unreadable::Damaged(
            "le lecteur a échoué sur ce fichier".into(),
        ))),
        Err(std::sync::mpsc::RecvTimeoutError::Timeout) => Err(SkipReason::TimedOut(budget)),
        Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => Err(SkipReason::Unreadable(
            Unreadable::Damaged("le lecteur s'est arrêté sans réponse".into()),
        )),
    }
}
