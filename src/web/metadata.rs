//! What a page says about itself to search engines, social networks and feed readers:
//! canonical address, Open Graph and Twitter cards, and JSON-LD.

use serde_json::{Value, json};

use super::assets::LOGO;
use super::reader::Reader;
use crate::domain::Seo;
use crate::read::ItemMeta;

/// The head of a page beyond its title.
#[derive(Debug, Clone, Default)]
pub struct HeadMeta {
    /// Absolute canonical URL.
    pub canonical: Option<String>,
    /// `<meta name="description">`.
    pub description: Option<String>,
    /// `<meta name="robots">`.
    pub robots: Option<&'static str>,
    /// `<meta property=… content=…>` pairs (Open Graph, article:*).
    pub properties: Vec<(&'static str, String)>,
    /// `<meta name=… content=…>` pairs (Twitter cards).
    pub names: Vec<(&'static str, String)>,
    /// JSON-LD documents, already safe to place inside a script element.
    pub json_ld: Vec<String>,
    /// `<link rel="alternate" hreflang>` pairs: language tag (or `x-default`) and
    /// absolute URL of each version of the page.
    pub alternates: Vec<(String, String)>,
}

/// JSON made safe inside an HTML `<script>` element or any other HTML context: no `<`
/// can close the element or open a comment, and no `>` or `&` reaches the HTML parser.
/// The `\u003c` forms are the same JSON string to every JSON reader.
pub(super) fn script_safe(value: &Value) -> String {
    let json = value.to_string();
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            c => out.push(c),
        }
    }
    out
}

/// A description cut to 300 characters, marked where it was cut.
fn shortened(text: &str) -> Option<String> {
    let mut short: String = text.chars().take(300).collect();
    if text.chars().count() > 300 {
        short.push('…');
    }
    Some(short)
}

impl Reader {
    /// The site's origin: the configured base URL, else the Host the request came to.
    pub fn absolute(&self, path: &str) -> String {
        format!("{}{path}", self.origin)
    }

    /// The head of a list or home page: canonical (`canonical_path`, page number
    /// included), and a JSON-LD page of `kind`.
    pub fn list_meta(
        &self,
        kind: &str,
        name: &str,
        canonical_path: &str,
        breadcrumbs: &[(String, String)],
    ) -> HeadMeta {
        let url = self.absolute(canonical_path);
        let mut json_ld = vec![script_safe(&json!({
            "@context": "https://schema.org",
            "@type": kind,
            "name": name,
            "url": url,
            "inLanguage": self.code(),
            "isPartOf": { "@type": "WebSite", "name": self.edition.name, "url": self.absolute(&format!("/{}/", self.code())) },
        }))];
        if !breadcrumbs.is_empty() {
            json_ld.push(self.breadcrumbs(breadcrumbs));
        }
        HeadMeta {
            canonical: Some(url.clone()),
            properties: vec![
                ("og:type", "website".into()),
                ("og:title", name.to_owned()),
                ("og:url", url.clone()),
                ("og:site_name", self.edition.name.clone()),
            ],
            json_ld,
            ..HeadMeta::default()
        }
    }

    fn breadcrumbs(&self, trail: &[(String, String)]) -> String {
        let items: Vec<Value> = trail
            .iter()
            .enumerate()
            .map(|(i, (name, path))| {
                json!({ "@type": "ListItem", "position": i + 1, "name": name, "item": self.absolute(path) })
            })
            .collect();
        script_safe(&json!({
            "@context": "https://schema.org",
            "@type": "BreadcrumbList",
            "itemListElement": items,
        }))
    }

    /// The head of an article page: everything search engines and social cards read.
    /// `summary` is the body's first paragraph as text, described when there is no standfirst;
    /// `seo` holds the newsroom's own title and description for search and shares.
    pub fn article_meta(
        &self,
        item: &ItemMeta,
        summary: Option<&str>,
        seo: &Seo,
        canonical_path: &str,
    ) -> HeadMeta {
        let views = self.views();
        let url = self.absolute(canonical_path);
        let title = seo.title.as_deref().unwrap_or(&item.headline).to_owned();
        let description = seo
            .description
            .clone()
            .or_else(|| item.dek.as_deref().map(str::to_owned))
            .or_else(|| summary.and_then(shortened));
        let published = item.published_at();
        let modified = item
            .corrections
            .last()
            .map_or(item.updated_at(), |c| c.noted_at)
            .max(published);
        let (published, modified) = (views.time(published).machine, views.time(modified).machine);
        let section = self.snapshot.section(item.section);
        let authors: Vec<Value> = item
            .authors
            .iter()
            .filter_map(|id| self.snapshot.author(*id))
            .map(|a| {
                json!({
                    "@type": "Person",
                    "name": a.name,
                    "url": self.absolute(&super::urls::author(self.code(), a.slug.as_ref(), 1)),
                })
            })
            .collect();
        let image = item
            .lead_media
            .and_then(|id| self.snapshot.media(id))
            .map(|m| {
                (
                    self.absolute(&super::views::media_src(m, None)),
                    m.width,
                    m.height,
                    m.alt.clone(),
                )
            });
        let mut article = json!({
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": item.headline,
            "datePublished": published,
            "dateModified": modified,
            "author": authors,
            "publisher": {
                "@type": "Organization",
                "name": self.edition.outlet,
                "logo": { "@type": "ImageObject", "url": self.absolute(&LOGO.path) },
            },
            "inLanguage": self.code(),
            "mainEntityOfPage": { "@type": "WebPage", "@id": url },
            "url": url,
        });
        if let Some(d) = &description {
            article["description"] = json!(d);
        }
        if let Some(s) = section {
            article["articleSection"] = json!(s.name);
        }
        if let Some((src, width, height, _)) = &image {
            article["image"] =
                json!([{ "@type": "ImageObject", "url": src, "width": width, "height": height }]);
        }
        let mut trail = vec![(self.edition.name.clone(), super::urls::home(self.code()))];
        if let Some(s) = section {
            trail.push((
                s.name.clone(),
                super::urls::section(self.code(), s.slug.as_ref(), 1),
            ));
        }
        trail.push((item.headline.to_string(), canonical_path.to_owned()));
        let mut properties = vec![
            ("og:type", "article".to_owned()),
            ("og:title", title.clone()),
            ("og:url", url.clone()),
            ("og:site_name", self.edition.name.clone()),
            ("og:locale", self.code().to_owned()),
            ("article:published_time", published.clone()),
            ("article:modified_time", modified.clone()),
        ];
        if let Some(s) = section {
            properties.push(("article:section", s.name.clone()));
        }
        let mut names = vec![
            (
                "twitter:card",
                if image.is_some() {
                    "summary_large_image"
                } else {
                    "summary"
                }
                .to_owned(),
            ),
            ("twitter:title", title),
        ];
        if let Some(d) = &description {
            properties.push(("og:description", d.clone()));
            names.push(("twitter:description", d.clone()));
        }
        if let Some((src, width, height, alt)) = image {
            properties.push(("og:image", src.clone()));
            properties.push(("og:image:width", width.to_string()));
            properties.push(("og:image:height", height.to_string()));
            properties.push(("og:image:alt", alt));
            names.push(("twitter:image", src));
        }
        HeadMeta {
            alternates: self.translation_alternates(item, &url),
            canonical: Some(url),
            description,
            robots: Some("max-image-preview:large"),
            properties,
            names,
            json_ld: vec![script_safe(&article), self.breadcrumbs(&trail)],
        }
    }

    /// `hreflang` alternates of an item with translations: every version, this one
    /// included, and `x-default` for the one in the site's default edition (else the
    /// first edition's). Every version names the same set, so they are reciprocal.
    /// None when it has no published translation.
    fn translation_alternates(&self, item: &ItemMeta, url: &str) -> Vec<(String, String)> {
        let others = self.snapshot.translations(item);
        if others.is_empty() {
            return Vec::new();
        }
        let views = self.views();
        let language = |code: &str| {
            self.snapshot
                .edition(code)
                .map_or_else(|| code.to_owned(), |e| e.language.to_string())
        };
        let mut versions: Vec<(String, String, String)> = others
            .iter()
            .map(|o| {
                (
                    o.edition.to_string(),
                    language(&o.edition),
                    self.absolute(&views.item_href(o)),
                )
            })
            .collect();
        versions.push((
            self.code().to_owned(),
            language(self.code()),
            url.to_owned(),
        ));
        let order = |code: &str| {
            let default = self.site.default_edition.as_ref() == code;
            let place = self
                .snapshot
                .editions()
                .iter()
                .position(|e| e.code.as_ref() == code);
            (!default, place)
        };
        versions.sort_by_key(|(code, _, _)| order(code));
        let x_default = versions.first().map(|(_, _, href)| href.clone());
        let mut alternates: Vec<(String, String)> = versions
            .into_iter()
            .map(|(_, lang, href)| (lang, href))
            .collect();
        alternates.extend(x_default.map(|href| ("x-default".to_owned(), href)));
        alternates
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_ld_cannot_close_its_script_element() {
        let value = json!({ "headline": "</script><script>alert(1)</script> <!-- --> & ]]>" });
        let safe = script_safe(&value);
        assert!(!safe.contains(['<', '>', '&']), "{safe}");
        let back: Value = serde_json::from_str(&safe).expect("still JSON");
        assert_eq!(back, value);
    }

    #[test]
    fn long_descriptions_are_cut_at_300_characters_and_marked() {
        assert_eq!(
            shortened("Tom & Jerry met.").as_deref(),
            Some("Tom & Jerry met.")
        );
        let long = "ə".repeat(301);
        let cut = shortened(&long).expect("described");
        assert_eq!(cut.chars().count(), 301);
        assert!(cut.ends_with("ə…"));
    }
}
