//! The words of the reader's interface in each edition's language.
//!
//! One typed catalogue per language: a language that lacks a word another has does not
//! compile. Counts take CLDR plural rules (icu_plurals), never rules of our own.

use icu_plurals::{PluralCategory, PluralRules};
use serde::Serialize;

/// Interface text for one language.
#[derive(Debug, Serialize)]
pub struct Strings {
    /// The language's code, whose plural rules counts follow.
    #[serde(skip)]
    pub lang: &'static str,
    /// The language's own name, for the edition switcher.
    pub language_name: &'static str,
    /// Heading of the latest-items list.
    pub news_line: &'static str,
    /// The link at the end of the news line to the archive.
    pub all: &'static str,
    /// Title of the archive.
    pub all_news: &'static str,
    /// Heading of the pinned stories on the home page.
    pub lead_stories: &'static str,
    /// Heading over the related item.
    pub related: &'static str,
    /// Label of the section navigation.
    pub sections: &'static str,
    /// Label of the edition switcher.
    pub editions: &'static str,
    /// The button that opens the masthead's menu on a narrow screen.
    pub menu: &'static str,
    /// The skip link.
    pub skip_to_content: &'static str,
    /// Word before a tag in a heading.
    pub tag: &'static str,
    /// Label of a correction note.
    pub correction: &'static str,
    /// The label of breaking news.
    pub breaking: &'static str,
    /// Title of the public list of corrections.
    pub corrections: &'static str,
    /// Label of the updated time.
    pub updated: &'static str,
    /// Link to newer items.
    pub previous_page: &'static str,
    /// Link to older items.
    pub next_page: &'static str,
    /// "Page", before "n / m".
    pub page: &'static str,
    /// Link to the day before.
    pub earlier_day: &'static str,
    /// Link to the day after.
    pub later_day: &'static str,
    /// An empty list.
    pub nothing_yet: &'static str,
    /// Link home from an error page.
    pub home: &'static str,
    /// Label of the tag list of an article.
    pub tags: &'static str,
    /// Heading of an article's versions in other editions.
    pub in_other_languages: &'static str,
    /// 400 heading and text.
    pub bad_request: (&'static str, &'static str),
    /// 404 heading and text.
    pub not_found: (&'static str, &'static str),
    /// 403 heading and text.
    pub forbidden: (&'static str, &'static str),
    /// 429 heading and text.
    pub too_many: (&'static str, &'static str),
    /// 405 heading and text.
    pub not_allowed: (&'static str, &'static str),
    /// 503 heading and text.
    pub unavailable: (&'static str, &'static str),
    /// Any other error's heading and text.
    pub failed: (&'static str, &'static str),
    /// The search box and the search page.
    pub search: SearchWords,
    /// The home page's arranged front.
    pub front: FrontWords,
    /// Month names as a date is written with them ("21 May 2025"; Russian in the genitive).
    pub months: [&'static str; 12],
    /// How many items a list holds.
    pub items: Count,
    /// Why a request was refused, shown under an error page's heading.
    pub problems: Problems,
}

/// A phrase with a count, in each CLDR plural form the language uses; `{n}` is the number.
/// Languages with fewer forms repeat `other`.
#[derive(Debug, Serialize)]
pub struct Count {
    /// 1, 21, 31... in Russian; 1 in English, Azerbaijani and Turkish.
    pub one: &'static str,
    /// 2–4, 22–24... in Russian.
    pub few: &'static str,
    /// 5–20, 25–30... in Russian.
    pub many: &'static str,
    /// Everything else.
    pub other: &'static str,
}

/// Why a reader's request was refused, in words a reader understands.
#[derive(Debug, Serialize)]
pub struct Problems {
    /// A `?page=` that is not a whole number in range; `{n}` is the highest.
    pub page_number: &'static str,
    /// A day in an archive address that is no real day.
    pub day: &'static str,
    /// A real day the calendar cannot place.
    pub day_out_of_range: &'static str,
    /// Percent-encoded bytes that are not UTF-8.
    pub not_utf8: &'static str,
    /// An address longer than the site answers; `{n}` is the limit in bytes.
    pub uri_too_long: &'static str,
    /// A Host this site is not.
    pub misdirected: &'static str,
    /// A Host header that cannot go into links.
    pub bad_host: &'static str,
    /// Every live news line slot is taken.
    pub live_busy: &'static str,
}

/// The words of the home page's front: the lead, the top stories, the breaking strip.
#[derive(Debug, Serialize)]
pub struct FrontWords {
    /// Heading of the lead story.
    pub lead_story: &'static str,
    /// Label of the breaking-news strip.
    pub breaking_news: &'static str,
    /// Label of the group of section blocks.
    pub by_section: &'static str,
}

/// The words of the search box and the search page.
#[derive(Debug, Serialize)]
pub struct SearchWords {
    /// The search box's label and the page's title.
    pub label: &'static str,
    /// The button that sends a search.
    pub button: &'static str,
    /// Heading over results.
    pub results: &'static str,
    /// No result.
    pub nothing: &'static str,
    /// Before a respelt query.
    pub did_you_mean: &'static str,
    /// Said while the index is rebuilt.
    pub rebuilding: &'static str,
    /// The sort control's label.
    pub sort: &'static str,
    /// Best match first.
    pub relevance: &'static str,
    /// Newest first.
    pub newest: &'static str,
    /// The section filter's label.
    pub section: &'static str,
    /// The author filter's label.
    pub author: &'static str,
    /// A filter left open.
    pub any: &'static str,
    /// The date range's start.
    pub from: &'static str,
    /// The date range's end.
    pub to: &'static str,
    /// The filters' group label.
    pub filters: &'static str,
}

const EN: Strings = Strings {
    lang: "en",
    language_name: "English",
    news_line: "News line",
    all: "All",
    all_news: "All news",
    lead_stories: "Top stories",
    related: "Read also",
    sections: "Sections",
    editions: "Editions",
    menu: "Menu",
    skip_to_content: "Skip to content",
    tag: "Tag",
    correction: "Correction",
    breaking: "Breaking",
    corrections: "Corrections",
    updated: "Updated",
    previous_page: "Newer",
    next_page: "Older",
    page: "Page",
    earlier_day: "Earlier day",
    later_day: "Later day",
    nothing_yet: "Nothing has been published here yet.",
    home: "Go to the home page",
    tags: "Tags",
    in_other_languages: "In other languages",
    bad_request: ("Bad request", "This address is not well formed."),
    not_found: ("Page not found", "There is nothing at this address."),
    forbidden: ("Not allowed", "Your account may not do this."),
    too_many: ("Too many attempts", "Wait a few minutes and try again."),
    not_allowed: ("Not allowed", "This page cannot be used that way."),
    unavailable: ("Temporarily unavailable", "Please try again in a moment."),
    failed: (
        "Something went wrong",
        "The page could not be shown. Please try again later.",
    ),
    search: SearchWords {
        label: "Search",
        button: "Search",
        results: "Search results",
        nothing: "Nothing was found.",
        did_you_mean: "Did you mean",
        rebuilding: "The search index is being rebuilt: some results may be missing for a few minutes.",
        sort: "Order",
        relevance: "Best match",
        newest: "Newest first",
        section: "Section",
        author: "Author",
        any: "Any",
        from: "From",
        to: "To",
        filters: "Filters",
    },
    months: [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ],
    items: Count {
        one: "{n} item",
        few: "{n} items",
        many: "{n} items",
        other: "{n} items",
    },
    problems: Problems {
        page_number: "The page number must be a whole number from 1 to {n}.",
        day: "The date must be a real day written as YYYY/MM/DD.",
        day_out_of_range: "That day is out of range.",
        not_utf8: "The address holds text that is not UTF-8.",
        uri_too_long: "Addresses on this site are at most {n} bytes long.",
        misdirected: "This server does not serve the host the request names.",
        bad_host: "The request has no valid Host header.",
        live_busy: "Too many live news lines are open; try again shortly.",
    },
    front: FrontWords {
        lead_story: "Lead story",
        breaking_news: "Breaking news",
        by_section: "News by section",
    },
};

const AZ: Strings = Strings {
    lang: "az",
    language_name: "Azərbaycanca",
    news_line: "Xəbər lenti",
    all: "Hamısı",
    all_news: "Bütün xəbərlər",
    lead_stories: "Əsas xəbərlər",
    related: "Həmçinin oxuyun",
    sections: "Bölmələr",
    editions: "Dillər",
    menu: "Menyu",
    skip_to_content: "Məzmuna keç",
    tag: "Teq",
    correction: "Düzəliş",
    breaking: "Təcili",
    corrections: "Düzəlişlər",
    updated: "Yeniləndi",
    previous_page: "Daha yeni",
    next_page: "Daha köhnə",
    page: "Səhifə",
    earlier_day: "Əvvəlki gün",
    later_day: "Sonrakı gün",
    nothing_yet: "Burada hələ heç nə dərc olunmayıb.",
    home: "Ana səhifəyə keç",
    tags: "Teqlər",
    in_other_languages: "Digər dillərdə",
    bad_request: ("Yanlış sorğu", "Bu ünvan düzgün yazılmayıb."),
    not_found: ("Səhifə tapılmadı", "Bu ünvanda heç nə yoxdur."),
    forbidden: ("İcazə yoxdur", "Hesabınız bunu edə bilməz."),
    too_many: (
        "Həddindən çox cəhd",
        "Bir neçə dəqiqə gözləyib yenidən cəhd edin.",
    ),
    not_allowed: ("İcazə verilmir", "Bu səhifədən belə istifadə etmək olmaz."),
    unavailable: ("Müvəqqəti əlçatan deyil", "Bir az sonra yenidən cəhd edin."),
    failed: (
        "Xəta baş verdi",
        "Səhifəni göstərmək mümkün olmadı. Sonra yenidən cəhd edin.",
    ),
    search: SearchWords {
        label: "Axtarış",
        button: "Axtar",
        results: "Axtarış nəticələri",
        nothing: "Heç nə tapılmadı.",
        did_you_mean: "Bəlkə bunu axtarırdınız",
        rebuilding: "Axtarış indeksi yenidən qurulur: bir neçə dəqiqə bəzi nəticələr görünməyə bilər.",
        sort: "Sıralama",
        relevance: "Ən uyğun",
        newest: "Ən yeni",
        section: "Bölmə",
        author: "Müəllif",
        any: "Hamısı",
        from: "Tarixdən",
        to: "Tarixədək",
        filters: "Süzgəclər",
    },
    months: [
        "yanvar", "fevral", "mart", "aprel", "may", "iyun", "iyul", "avqust", "sentyabr",
        "oktyabr", "noyabr", "dekabr",
    ],
    items: Count {
        one: "{n} xəbər",
        few: "{n} xəbər",
        many: "{n} xəbər",
        other: "{n} xəbər",
    },
    problems: Problems {
        page_number: "Səhifə nömrəsi 1-dən {n}-ə qədər tam ədəd olmalıdır.",
        day: "Tarix İİİİ/AA/GG şəklində yazılmış real gün olmalıdır.",
        day_out_of_range: "Bu gün mümkün aralıqdan kənardadır.",
        not_utf8: "Ünvanda UTF-8 olmayan mətn var.",
        uri_too_long: "Bu saytda ünvanlar ən çoxu {n} bayt uzunluğunda olur.",
        misdirected: "Bu server sorğuda adı çəkilən hosta xidmət etmir.",
        bad_host: "Sorğuda düzgün Host başlığı yoxdur.",
        live_busy: "Həddindən çox canlı xəbər lenti açıqdır; bir azdan yenidən cəhd edin.",
    },
    front: FrontWords {
        lead_story: "Əsas xəbər",
        breaking_news: "Təcili xəbərlər",
        by_section: "Bölmələr üzrə xəbərlər",
    },
};

const TR: Strings = Strings {
    lang: "tr",
    language_name: "Türkçe",
    news_line: "Haber akışı",
    all: "Tümü",
    all_news: "Tüm haberler",
    lead_stories: "Manşetler",
    related: "Ayrıca okuyun",
    sections: "Bölümler",
    editions: "Diller",
    menu: "Menü",
    skip_to_content: "İçeriğe geç",
    tag: "Etiket",
    correction: "Düzeltme",
    breaking: "Son dakika",
    corrections: "Düzeltmeler",
    updated: "Güncellendi",
    previous_page: "Daha yeni",
    next_page: "Daha eski",
    page: "Sayfa",
    earlier_day: "Önceki gün",
    later_day: "Sonraki gün",
    nothing_yet: "Burada henüz bir şey yayımlanmadı.",
    home: "Ana sayfaya git",
    tags: "Etiketler",
    in_other_languages: "Diğer dillerde",
    bad_request: ("Geçersiz istek", "Bu adres doğru biçimde değil."),
    not_found: ("Sayfa bulunamadı", "Bu adreste bir şey yok."),
    forbidden: ("İzin yok", "Hesabınız bunu yapamaz."),
    too_many: (
        "Çok fazla deneme",
        "Birkaç dakika bekleyip yeniden deneyin.",
    ),
    not_allowed: ("İzin verilmiyor", "Bu sayfa bu şekilde kullanılamaz."),
    unavailable: (
        "Geçici olarak kullanılamıyor",
        "Lütfen biraz sonra yeniden deneyin.",
    ),
    failed: (
        "Bir hata oluştu",
        "Sayfa gösterilemedi. Lütfen daha sonra yeniden deneyin.",
    ),
    search: SearchWords {
        label: "Arama",
        button: "Ara",
        results: "Arama sonuçları",
        nothing: "Hiçbir şey bulunamadı.",
        did_you_mean: "Bunu mu demek istediniz",
        rebuilding: "Arama dizini yeniden oluşturuluyor: birkaç dakika bazı sonuçlar eksik olabilir.",
        sort: "Sıralama",
        relevance: "En uygun",
        newest: "En yeni",
        section: "Bölüm",
        author: "Yazar",
        any: "Tümü",
        from: "Başlangıç",
        to: "Bitiş",
        filters: "Filtreler",
    },
    months: [
        "Ocak", "Şubat", "Mart", "Nisan", "Mayıs", "Haziran", "Temmuz", "Ağustos", "Eylül", "Ekim",
        "Kasım", "Aralık",
    ],
    items: Count {
        one: "{n} haber",
        few: "{n} haber",
        many: "{n} haber",
        other: "{n} haber",
    },
    problems: Problems {
        page_number: "Sayfa numarası 1 ile {n} arasında bir tam sayı olmalıdır.",
        day: "Tarih, YYYY/AA/GG biçiminde yazılmış gerçek bir gün olmalıdır.",
        day_out_of_range: "Bu gün geçerli aralığın dışında.",
        not_utf8: "Adreste UTF-8 olmayan metin var.",
        uri_too_long: "Bu sitede adresler en fazla {n} bayt uzunluğundadır.",
        misdirected: "Bu sunucu, isteğin belirttiği alan adına hizmet vermiyor.",
        bad_host: "İstekte geçerli bir Host başlığı yok.",
        live_busy: "Çok fazla canlı haber akışı açık; biraz sonra yeniden deneyin.",
    },
    front: FrontWords {
        lead_story: "Manşet",
        breaking_news: "Son dakika",
        by_section: "Bölümlere göre haberler",
    },
};

const RU: Strings = Strings {
    lang: "ru",
    language_name: "Русский",
    news_line: "Лента новостей",
    all: "Все",
    all_news: "Все новости",
    lead_stories: "Главное",
    related: "Читайте также",
    sections: "Разделы",
    editions: "Языки",
    menu: "Меню",
    skip_to_content: "Перейти к содержанию",
    tag: "Тег",
    correction: "Исправление",
    breaking: "Срочно",
    corrections: "Исправления",
    updated: "Обновлено",
    previous_page: "Новее",
    next_page: "Старше",
    page: "Страница",
    earlier_day: "Предыдущий день",
    later_day: "Следующий день",
    nothing_yet: "Здесь пока ничего не опубликовано.",
    home: "Перейти на главную",
    tags: "Теги",
    in_other_languages: "На других языках",
    bad_request: ("Неверный запрос", "Этот адрес составлен неправильно."),
    not_found: ("Страница не найдена", "По этому адресу ничего нет."),
    forbidden: ("Нет доступа", "Вашей учётной записи это не разрешено."),
    too_many: (
        "Слишком много попыток",
        "Подождите несколько минут и попробуйте снова.",
    ),
    not_allowed: ("Недопустимо", "Этой страницей нельзя воспользоваться так."),
    unavailable: ("Временно недоступно", "Попробуйте ещё раз чуть позже."),
    failed: (
        "Что-то пошло не так",
        "Страницу не удалось показать. Попробуйте позже.",
    ),
    search: SearchWords {
        label: "Поиск",
        button: "Найти",
        results: "Результаты поиска",
        nothing: "Ничего не найдено.",
        did_you_mean: "Возможно, вы искали",
        rebuilding: "Поисковый индекс перестраивается: несколько минут часть результатов может отсутствовать.",
        sort: "Порядок",
        relevance: "По релевантности",
        newest: "Сначала новые",
        section: "Раздел",
        author: "Автор",
        any: "Любой",
        from: "С",
        to: "По",
        filters: "Фильтры",
    },
    months: [
        "января",
        "февраля",
        "марта",
        "апреля",
        "мая",
        "июня",
        "июля",
        "августа",
        "сентября",
        "октября",
        "ноября",
        "декабря",
    ],
    items: Count {
        one: "{n} новость",
        few: "{n} новости",
        many: "{n} новостей",
        other: "{n} новости",
    },
    problems: Problems {
        page_number: "Номер страницы должен быть целым числом от 1 до {n}.",
        day: "Дата должна быть настоящим днём в виде ГГГГ/ММ/ДД.",
        day_out_of_range: "Этот день вне допустимого диапазона.",
        not_utf8: "В адресе есть текст не в кодировке UTF-8.",
        uri_too_long: "Адреса на этом сайте не длиннее {n} байт.",
        misdirected: "Этот сервер не обслуживает хост, указанный в запросе.",
        bad_host: "В запросе нет корректного заголовка Host.",
        live_busy: "Открыто слишком много живых лент новостей; попробуйте чуть позже.",
    },
    front: FrontWords {
        lead_story: "Главная новость",
        breaking_news: "Срочные новости",
        by_section: "Новости по разделам",
    },
};

/// Every catalogue, English first.
pub const ALL: [&Strings; 4] = [&EN, &AZ, &TR, &RU];

/// The interface text for an edition's language; English where we have no translation yet.
pub fn for_language(code: &str) -> &'static Strings {
    match code {
        "az" => &AZ,
        "tr" => &TR,
        "ru" => &RU,
        _ => &EN,
    }
}

/// The languages with plural rules built in, in the order [`RULES`] holds them.
const RULE_LANGUAGES: [&str; 4] = ["en", "az", "tr", "ru"];

thread_local! {
    // Built once per thread from the data compiled in: the rules' data is not `Sync`
    // without another feature of icu_provider, and four small tables per worker cost less.
    static RULES: [Option<PluralRules>; 4] = [
        icu_locale_core::langid!("en"),
        icu_locale_core::langid!("az"),
        icu_locale_core::langid!("tr"),
        icu_locale_core::langid!("ru"),
    ]
    .map(|lang| PluralRules::try_new_cardinal(lang.into()).ok());
}

/// The CLDR plural category of `n` in `lang`; `None` when the language has no rules.
pub fn plural_category(lang: &str, n: usize) -> Option<PluralCategory> {
    let index = RULE_LANGUAGES.iter().position(|l| *l == lang).unwrap_or(0);
    RULES.with(|rules| {
        rules
            .get(index)
            .and_then(Option::as_ref)
            .map(|r| r.category_for(n))
    })
}

/// `phrase` for the count `n` in `lang`'s plural form for it.
pub fn plural(lang: &str, phrase: &Count, n: usize) -> String {
    let form = match plural_category(lang, n).unwrap_or(PluralCategory::Other) {
        PluralCategory::One => phrase.one,
        PluralCategory::Few => phrase.few,
        PluralCategory::Many => phrase.many,
        _ => phrase.other,
    };
    form.replace("{n}", &n.to_string())
}

impl Strings {
    /// `phrase` for the count `n`, in this language's plural form for it.
    pub fn count(&self, phrase: &Count, n: usize) -> String {
        plural(self.lang, phrase, n)
    }

    /// A day written with the language's month name: "21 May 2025", "21 мая 2025".
    pub fn long_date(&self, date: jiff::civil::Date) -> String {
        let month = usize::try_from(date.month() - 1)
            .ok()
            .and_then(|m| self.months.get(m))
            .copied()
            .unwrap_or_default();
        format!("{} {month} {}", date.day(), date.year())
    }

    /// Every word of the catalogue, as (field path, text), for completeness tests.
    pub fn entries(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        if let Ok(value) = serde_json::to_value(self) {
            flatten(String::new(), &value, &mut out);
        }
        out
    }
}

/// Walks a serialized catalogue into (path, text) pairs.
pub fn flatten(path: String, value: &serde_json::Value, out: &mut Vec<(String, String)>) {
    match value {
        serde_json::Value::String(text) => out.push((path, text.clone())),
        serde_json::Value::Array(values) => {
            for (i, v) in values.iter().enumerate() {
                flatten(format!("{path}.{i}"), v, out);
            }
        }
        serde_json::Value::Object(fields) => {
            for (k, v) in fields {
                let path = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                flatten(path, v, out);
            }
        }
        _ => {}
    }
}

/// Fields whose text may be the same in another language as in English: the words are
/// the same, not left untranslated.
const SAME_AS_ENGLISH: &[(&str, &str)] = &[];

/// Whether a translation equal to the English text is known to be right.
pub fn same_as_english_allowed(lang: &str, path: &str) -> bool {
    SAME_AS_ENGLISH
        .iter()
        .any(|(l, p)| *l == lang && *p == path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_all_news_link_is_translated_in_every_edition_language() {
        assert_eq!(for_language("en").all, "All");
        assert_eq!(for_language("az").all, "Hamısı");
        assert_eq!(for_language("tr").all, "Tümü");
        assert_eq!(for_language("ru").all, "Все");
    }

    #[test]
    fn no_word_is_empty_or_left_in_english() {
        let english: std::collections::HashMap<String, String> = EN.entries().into_iter().collect();
        for strings in ALL {
            let entries = strings.entries();
            assert_eq!(entries.len(), english.len(), "{}", strings.lang);
            for (path, text) in entries {
                assert!(!text.trim().is_empty(), "{}: {path} is empty", strings.lang);
                if strings.lang != "en" && english.get(&path) == Some(&text) {
                    assert!(
                        same_as_english_allowed(strings.lang, &path),
                        "{}: {path} is the English {text:?}",
                        strings.lang
                    );
                }
            }
        }
    }

    #[test]
    fn every_language_has_its_plural_rules() {
        for strings in ALL {
            assert!(
                plural_category(strings.lang, 1).is_some(),
                "{}",
                strings.lang
            );
        }
    }

    #[test]
    fn counts_follow_each_language_s_plural_rules() {
        let n = |lang: &str, n: usize| for_language(lang).count(&for_language(lang).items, n);
        let ru: Vec<String> = [1, 2, 5, 21, 22, 25, 111]
            .iter()
            .map(|&k| n("ru", k))
            .collect();
        assert_eq!(
            ru,
            [
                "1 новость",
                "2 новости",
                "5 новостей",
                "21 новость",
                "22 новости",
                "25 новостей",
                "111 новостей"
            ]
        );
        assert_eq!(n("en", 1), "1 item");
        assert_eq!(n("en", 21), "21 items");
        assert_eq!(n("az", 1), "1 xəbər");
        assert_eq!(n("az", 5), "5 xəbər");
        assert_eq!(n("tr", 22), "22 haber");
    }

    #[test]
    fn dates_take_the_language_s_own_month_names() {
        let day = jiff::civil::date(2025, 5, 21);
        assert_eq!(for_language("ru").long_date(day), "21 мая 2025");
        assert_eq!(for_language("az").long_date(day), "21 may 2025");
        assert_eq!(for_language("tr").long_date(day), "21 Mayıs 2025");
        assert_eq!(for_language("en").long_date(day), "21 May 2025");
        let march = jiff::civil::date(2024, 3, 8);
        assert_eq!(for_language("ru").long_date(march), "8 марта 2024");
    }
}
