//! The words of the reader's interface in each edition's language.

/// Interface text for one language.
#[derive(Debug)]
pub struct Strings {
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
}

/// The words of the home page's front: the lead, the top stories, the breaking strip.
#[derive(Debug)]
pub struct FrontWords {
    /// Heading of the lead story.
    pub lead_story: &'static str,
    /// Label of the breaking-news strip.
    pub breaking_news: &'static str,
    /// Label of the group of section blocks.
    pub by_section: &'static str,
}

/// The words of the search box and the search page.
#[derive(Debug)]
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
    language_name: "English",
    news_line: "News line",
    all: "All",
    all_news: "All news",
    lead_stories: "Top stories",
    related: "Read also",
    sections: "Sections",
    editions: "Editions",
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
    front: FrontWords {
        lead_story: "Lead story",
        breaking_news: "Breaking news",
        by_section: "News by section",
    },
};

const AZ: Strings = Strings {
    language_name: "Azərbaycanca",
    news_line: "Xəbər lenti",
    all: "Hamısı",
    all_news: "Bütün xəbərlər",
    lead_stories: "Əsas xəbərlər",
    related: "Həmçinin oxuyun",
    sections: "Bölmələr",
    editions: "Dillər",
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
    front: FrontWords {
        lead_story: "Əsas xəbər",
        breaking_news: "Təcili xəbərlər",
        by_section: "Bölmələr üzrə xəbərlər",
    },
};

const TR: Strings = Strings {
    language_name: "Türkçe",
    news_line: "Haber akışı",
    all: "Tümü",
    all_news: "Tüm haberler",
    lead_stories: "Manşetler",
    related: "Ayrıca okuyun",
    sections: "Bölümler",
    editions: "Diller",
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
    front: FrontWords {
        lead_story: "Manşet",
        breaking_news: "Son dakika",
        by_section: "Bölümlere göre haberler",
    },
};

const RU: Strings = Strings {
    language_name: "Русский",
    news_line: "Лента новостей",
    all: "Все",
    all_news: "Все новости",
    lead_stories: "Главное",
    related: "Читайте также",
    sections: "Разделы",
    editions: "Языки",
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
    front: FrontWords {
        lead_story: "Главная новость",
        breaking_news: "Срочные новости",
        by_section: "Новости по разделам",
    },
};

/// The interface text for an edition's language; English where we have no translation yet.
pub fn for_language(code: &str) -> &'static Strings {
    match code {
        "az" => &AZ,
        "tr" => &TR,
        "ru" => &RU,
        _ => &EN,
    }
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
}
