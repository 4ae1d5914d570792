//! The language of the UI: a reactive [`Locale`] in context, remembered in `localStorage`
//! and mirrored to `<html lang>`.

use gloo_storage::{LocalStorage, Storage};
use leptos::prelude::*;
use shared::i18n::{Locale, Text};

const STORAGE_KEY: &str = "qiao.locale";

#[derive(Debug, Clone, Copy)]
pub struct I18n {
    locale: RwSignal<Locale>,
}

impl I18n {
    /// Create the language state (the remembered choice, else Chinese) and put it in context.
    pub fn provide() -> Self {
        let stored: Option<String> = LocalStorage::get(STORAGE_KEY).ok();
        let i18n = Self {
            locale: RwSignal::new(stored.map(|tag| Locale::from_tag(&tag)).unwrap_or_default()),
        };
        Effect::new(move |_| {
            let locale = i18n.locale.get();
            if let Some(root) = document().document_element() {
                let _ = root.set_attribute("lang", locale.tag());
            }
            document().set_title(Text::AppName.get(locale));
        });
        provide_context(i18n);
        i18n
    }

    pub fn locale(self) -> Locale {
        self.locale.get()
    }

    /// The text for `key` in the current language (tracked: use inside a closure).
    pub fn t(self, key: Text) -> &'static str {
        key.get(self.locale.get())
    }

    pub fn set(self, locale: Locale) {
        let _ = LocalStorage::set(STORAGE_KEY, locale.tag());
        self.locale.set(locale);
    }

    /// Switch between Chinese and English.
    pub fn toggle(self) {
        self.set(match self.locale.get_untracked() {
            Locale::ZhCn => Locale::En,
            Locale::En => Locale::ZhCn,
        });
    }
}

pub fn use_i18n() -> I18n {
    expect_context::<I18n>()
}
