//! Field errors collected while parsing a form, returned all at once.

use crate::{AppError, AppResult};
use jangteo_core::member::InputError;

/// Collects field errors while parsing a form.
#[derive(Debug, Default)]
pub struct FieldErrors(Vec<(&'static str, &'static str)>);

impl FieldErrors {
    /// Keeps the value or records the field's error.
    pub fn check<T>(&mut self, field: &'static str, r: Result<T, InputError>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(e) => {
                self.0.push((field, e.code()));
                None
            }
        }
    }

    /// Records an error.
    pub fn add(&mut self, field: &'static str, code: &'static str) {
        self.0.push((field, code));
    }

    /// `Err(AppError::Form)` when anything was recorded.
    pub fn finish(self) -> AppResult<()> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(AppError::Form(self.0))
        }
    }
}
