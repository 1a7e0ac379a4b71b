//! The operator's admin pages: [`sign_in`] with the operator token, then [`campaigns`] —
//! create, edit and delete them. Who may see them, and the CSRF token every form carries, are
//! checked by the extractors of `frontend/auth`; the campaign rules are the use case
//! `frontend/campaigns.rs`, the same as the API's.

pub mod campaigns;
mod form;
pub mod sign_in;
