//! Inputs of file, image and signature fields: what a field holds (each file with its picture
//! or name, size and upload standing, and a way to remove it), a way to add (a file chooser,
//! the camera on a phone, a pad to sign on with a finger or a mouse), and why a file was not
//! taken. The field's value is its files' JSON text, as `Value::parse` reads it; the files
//! themselves go through `sync::files` (kept on the device, uploaded when it can).

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::RecordId;
use shared::i18n::{Text, problem_text};
use shared::schema::value::FileRef;
use shared::schema::{FieldType, Value};
use wasm_bindgen::JsCast;

use crate::i18n::use_i18n;
use crate::sync::files::{self, Upload};

/// The files `text` (a field's JSON text) names.
fn files_in(field_type: &FieldType, text: &str) -> Vec<FileRef> {
    match Value::parse(field_type, text) {
        Ok(Value::Files(files)) => files,
        _ => Vec::new(),
    }
}

fn text_of(files: &[FileRef]) -> String {
    if files.is_empty() {
        String::new()
    } else {
        Value::Files(files.to_vec()).to_json().to_string()
    }
}

/// A file field's input (a file, several, an image or a signature, by `field_type`).
#[component]
pub fn FilesInput(
    id: String,
    field_type: FieldType,
    value: RwSignal<String>,
    record: Option<RecordId>,
) -> impl IntoView {
    let i18n = use_i18n();
    let many = matches!(field_type, FieldType::File { many: true });
    let image = !matches!(field_type, FieldType::File { .. });
    let signature = matches!(field_type, FieldType::Signature);
    let refused = RwSignal::new(None::<shared::Problem>);
    let adding = RwSignal::new(0usize);
    let kind = StoredValue::new(field_type.clone());
    let held = Memo::new(move |_| kind.with_value(|k| files_in(k, &value.get())));
    let add = move |file: FileRef| {
        let mut all = if many {
            held.get_untracked()
        } else {
            Vec::new()
        };
        all.push(file);
        value.set(text_of(&all));
    };
    let take = move |blob: web_sys::Blob, name: String| {
        adding.update(|n| *n += 1);
        spawn_local(async move {
            match files::attach(&blob, &name, image).await {
                Ok(file) => {
                    refused.set(None);
                    add(file);
                }
                Err(problem) => refused.set(Some(problem)),
            }
            adding.update(|n| *n = n.saturating_sub(1));
        });
    };
    let on_chosen = move |ev: leptos::ev::Event| {
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        if let Some(list) = input.files() {
            let count = if many {
                list.length()
            } else {
                list.length().min(1)
            };
            for i in 0..count {
                if let Some(file) = list.get(i) {
                    let name = file.name();
                    take(file.into(), name);
                }
            }
        }
        input.set_value("");
    };
    let remove = move |gone: uuid::Uuid| {
        let rest: Vec<FileRef> = held
            .get_untracked()
            .into_iter()
            .filter(|f| f.id != gone)
            .collect();
        value.set(text_of(&rest));
    };
    let chooser = (!signature).then(|| {
        let label = if image {
            Text::ChooseImage
        } else {
            Text::AttachFiles
        };
        view! {
            <label class="button secondary file-choose">
                {move || i18n.t(label)}
                <input id=id.clone() type="file" class="sr-only" data-testid="file-input"
                    accept=image.then_some("image/*") multiple=many on:change=on_chosen />
            </label>
        }
    });
    let pad = signature.then(|| {
        view! {
            <Show when=move || held.with(Vec::is_empty)>
                <SignaturePad id=id.clone() done=Callback::new(move |blob| take(blob, "signature.png".to_owned())) />
            </Show>
        }
    });
    view! {
        <div class="files" data-testid="files">
            <ul class="file-list">
                <For each=move || held.get() key=|f| f.id children=move |file| {
                    let gone = file.id;
                    view! { <FileItem file=file record=record remove=Callback::new(move |()| remove(gone)) /> }
                } />
            </ul>
            {chooser}
            {pad}
            <Show when=move || adding.get() != 0>
                <p class="muted" role="status">{move || i18n.t(Text::Loading)}</p>
            </Show>
            <Show when=move || refused.get().is_some()>
                <p class="field-error" data-testid="file-refused">
                    {move || refused.get().map(|p| problem_text(&p, i18n.locale()))}
                </p>
            </Show>
        </div>
    }
}

/// One file of a field: its picture (an image's thumbnail) or name, its size, whether it is
/// uploaded yet, and a button that removes it from the field.
#[component]
fn FileItem(file: FileRef, record: Option<RecordId>, remove: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let picture = file.content_type.starts_with("image/");
    let url = RwSignal::new(String::new());
    let shown = file.thumb.unwrap_or(file.id);
    let full = file.id;
    // The picture shown and the file opened: one look-up when there is no thumbnail.
    let open = RwSignal::new(String::new());
    spawn_local(async move {
        let shown_url = files::url_of(shown, record).await;
        let full_url = if shown == full {
            shown_url.clone()
        } else {
            files::url_of(full, record).await
        };
        url.set(shown_url);
        open.set(full_url);
    });
    let standing = RwSignal::new(None::<Upload>);
    Effect::new(move |_| {
        files::changes().track();
        spawn_local(async move {
            standing.set(files::upload_of(full).await);
        });
    });
    let size = shared::files::size_text(file.size);
    let name = file.name.clone();
    view! {
        <li class="file" data-testid="file" data-id=file.id.to_string()>
            {picture.then(|| view! {
                <a href=move || open.get() target="_blank" rel="noopener">
                    <img class="thumb" data-testid="file-thumb" alt=name.clone()
                        src=move || url.get() />
                </a>
            })}
            <span class="file-name">
                <a href=move || open.get() target="_blank" rel="noopener">{file.name.clone()}</a>
                <span class="muted">{size}</span>
                {move || match standing.get() {
                    Some(Upload::Queued) => Some(view! {
                        <span class="badge" data-testid="upload-queued">{i18n.t(Text::UploadQueued)}</span>
                    }.into_any()),
                    Some(Upload::Refused(problem)) => Some(view! {
                        <span class="field-error" data-testid="upload-refused">
                            {format!("{}：{}", i18n.t(Text::UploadRefused), problem_text(&problem, i18n.locale()))}
                        </span>
                    }.into_any()),
                    _ => None,
                }}
            </span>
            <button type="button" class="secondary" data-testid="remove-file"
                on:click=move |_| remove.run(())>{move || i18n.t(Text::RemoveFile)}</button>
        </li>
    }
}

/// A box to sign in with a finger, a pen or a mouse; "use" hands the drawing over as a PNG.
#[component]
fn SignaturePad(id: String, done: Callback<web_sys::Blob>) -> impl IntoView {
    let i18n = use_i18n();
    let canvas = NodeRef::<leptos::html::Canvas>::new();
    let drawing = RwSignal::new(false);
    let drawn = RwSignal::new(false);
    let context = move || {
        canvas
            .get()?
            .get_context("2d")
            .ok()??
            .dyn_into::<web_sys::CanvasRenderingContext2d>()
            .ok()
    };
    // Where the pointer is, in the canvas's own pixels (it may be drawn smaller or larger).
    let at = move |ev: &web_sys::PointerEvent| {
        let element = canvas.get()?;
        let scale_x = f64::from(element.width()) / f64::from(element.client_width().max(1));
        let scale_y = f64::from(element.height()) / f64::from(element.client_height().max(1));
        Some((
            f64::from(ev.offset_x()) * scale_x,
            f64::from(ev.offset_y()) * scale_y,
        ))
    };
    let down = move |ev: web_sys::PointerEvent| {
        ev.prevent_default();
        if let (Some(ctx), Some((x, y))) = (context(), at(&ev)) {
            if let Some(element) = canvas.get() {
                let _ = element.set_pointer_capture(ev.pointer_id());
            }
            ctx.set_line_width(3.0);
            ctx.set_line_cap("round");
            ctx.set_stroke_style_str("#1f2937");
            ctx.begin_path();
            ctx.move_to(x, y);
            drawing.set(true);
        }
    };
    let moved = move |ev: web_sys::PointerEvent| {
        if !drawing.get_untracked() {
            return;
        }
        if let (Some(ctx), Some((x, y))) = (context(), at(&ev)) {
            ctx.line_to(x, y);
            ctx.stroke();
            drawn.set(true);
        }
    };
    let up = move |_: web_sys::PointerEvent| drawing.set(false);
    let clear = move |_| {
        if let (Some(ctx), Some(element)) = (context(), canvas.get()) {
            ctx.clear_rect(
                0.0,
                0.0,
                f64::from(element.width()),
                f64::from(element.height()),
            );
        }
        drawn.set(false);
    };
    let use_it = move |_| {
        let Some(element) = canvas.get() else {
            return;
        };
        spawn_local(async move {
            if let Some(blob) = files::canvas_blob(&element, "image/png").await {
                done.run(blob);
            }
        });
    };
    view! {
        <div class="signature">
            <canvas id=id node_ref=canvas width="600" height="200" class="signature-pad"
                data-testid="signature-pad" aria-label=move || i18n.t(Text::SignHere)
                on:pointerdown=down on:pointermove=moved on:pointerup=up on:pointercancel=up></canvas>
            <p class="muted">{move || i18n.t(Text::SignHere)}</p>
            <div class="actions">
                <button type="button" class="secondary" on:click=clear>{move || i18n.t(Text::ClearSignature)}</button>
                <button type="button" data-testid="use-signature" disabled=move || !drawn.get()
                    on:click=use_it>{move || i18n.t(Text::UseSignature)}</button>
            </div>
        </div>
    }
}
