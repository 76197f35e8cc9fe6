//! The newsroom's words in each language an account may choose.
//!
//! Each row holds one phrase in English, Azerbaijani, Turkish and Russian side by side,
//! so a phrase cannot be added in one language only: the macro takes exactly four.
//! `{x}` and `{y}` stand for the values a phrase is filled with; counts take CLDR
//! plural forms through [`crate::web::strings::plural`].

use serde::Serialize;

use crate::web::strings::{Count, plural};

/// The languages the newsroom speaks, as an account chooses among them.
pub const LANGUAGES: [&str; 4] = ["az", "en", "ru", "tr"];

macro_rules! catalogue {
    (
        words { $( $field:ident => [$en:literal, $az:literal, $tr:literal, $ru:literal], )* }
        counts { $( $count:ident => [$en1:literal, $en2:literal; $az2:literal; $tr2:literal;
                                     $ru1:literal, $ru2:literal, $ru3:literal], )* }
    ) => {
        /// The newsroom's interface text in one language.
        #[derive(Debug, Serialize)]
        pub struct NewsroomWords {
            /// The language's code, whose plural rules counts follow.
            #[serde(skip)]
            pub lang: &'static str,
            $( #[doc = $en] pub $field: &'static str, )*
            $( #[doc = $en2] pub $count: Count, )*
        }

        const EN: NewsroomWords = NewsroomWords {
            lang: "en",
            $( $field: $en, )*
            $( $count: Count { one: $en1, few: $en2, many: $en2, other: $en2 }, )*
        };
        const AZ: NewsroomWords = NewsroomWords {
            lang: "az",
            $( $field: $az, )*
            $( $count: Count { one: $az2, few: $az2, many: $az2, other: $az2 }, )*
        };
        const TR: NewsroomWords = NewsroomWords {
            lang: "tr",
            $( $field: $tr, )*
            $( $count: Count { one: $tr2, few: $tr2, many: $tr2, other: $tr2 }, )*
        };
        const RU: NewsroomWords = NewsroomWords {
            lang: "ru",
            $( $field: $ru, )*
            $( $count: Count { one: $ru1, few: $ru2, many: $ru3, other: $ru2 }, )*
        };
    };
}

catalogue! {
words {
    // The frame.
    skip_to_content => ["Skip to content", "Məzmuna keç", "İçeriğe geç", "Перейти к содержанию"],
    newsroom => ["Newsroom", "Redaksiya", "Haber merkezi", "Редакция"],
    desk => ["Desk", "Masa", "Masa", "Рабочий стол"],
    new_item => ["New item", "Yeni material", "Yeni haber", "Новый материал"],
    search => ["Search", "Axtarış", "Arama", "Поиск"],
    search_button => ["Search", "Axtar", "Ara", "Найти"],
    sections => ["Sections", "Bölmələr", "Bölümler", "Разделы"],
    audit_log => ["Audit log", "Əməliyyat jurnalı", "İşlem kaydı", "Журнал действий"],
    webhooks => ["Webhooks", "Vebhuklar", "Web kancaları", "Вебхуки"],
    account => ["Account", "Hesab", "Hesap", "Учётная запись"],
    api_tokens => ["API tokens", "API açarları", "API anahtarları", "API-токены"],
    password => ["Password", "Şifrə", "Parola", "Пароль"],
    sign_out => ["Sign out {x}", "Çıxış: {x}", "Oturumu kapat: {x}", "Выйти: {x}"],
    // The desk.
    write_new_item => ["Write a new item", "Yeni material yaz", "Yeni haber yaz", "Написать новый материал"],
    search_every_item => ["Search every item", "Bütün materiallarda axtar", "Tüm haberlerde ara", "Искать по всем материалам"],
    nothing_here => ["Nothing here.", "Burada heç nə yoxdur.", "Burada bir şey yok.", "Здесь пусто."],
    headline => ["Headline", "Başlıq", "Başlık", "Заголовок"],
    edition => ["Edition", "Buraxılış", "Baskı", "Выпуск"],
    by => ["By", "Müəllif", "Yazan", "Автор"],
    withdraws_at => ["withdraws at {x}", "{x} geri çəkilir", "{x} yayından kalkar", "снимается в {x}"],
    embargoed_until => ["Embargoed until {x}", "{x} tarixinədək embarqo", "{x} tarihine kadar ambargolu", "Эмбарго до {x}"],
    drafts => ["Drafts", "Qaralamalar", "Taslaklar", "Черновики"],
    in_review => ["In review", "Yoxlamada", "İncelemede", "На проверке"],
    scheduled => ["Scheduled", "Planlaşdırılıb", "Zamanlandı", "Запланировано"],
    latest_published => ["Latest published", "Son dərc olunanlar", "Son yayımlananlar", "Последние опубликованные"],
    expiring => ["Expiring", "Müddəti bitənlər", "Süresi dolacaklar", "Скоро снимаются"],
    withdrawn => ["Withdrawn", "Geri çəkilib", "Yayından kaldırıldı", "Снято с публикации"],
    last_saved => ["Last saved", "Son saxlanma", "Son kayıt", "Последнее сохранение"],
    goes_live => ["Goes live", "Dərc vaxtı", "Yayın zamanı", "Выходит в"],
    published => ["Published", "Dərc olunub", "Yayımlandı", "Опубликовано"],
    last_change => ["Last change", "Son dəyişiklik", "Son değişiklik", "Последнее изменение"],
    // Item statuses as a line of text.
    status_draft => ["draft", "qaralama", "taslak", "черновик"],
    status_review => ["in review", "yoxlamada", "incelemede", "на проверке"],
    status_scheduled => ["scheduled", "planlaşdırılıb", "zamanlandı", "запланирован"],
    status_published => ["published", "dərc olunub", "yayımlandı", "опубликован"],
    status_withdrawn => ["withdrawn", "geri çəkilib", "yayından kaldırıldı", "снят с публикации"],
    // Signing in.
    sign_in_title => ["Sign in to the newsroom", "Redaksiyaya daxil olun", "Haber merkezine giriş yapın", "Вход в редакцию"],
    sign_in => ["Sign in", "Daxil ol", "Giriş yap", "Войти"],
    login_name => ["Login name", "İstifadəçi adı", "Kullanıcı adı", "Имя для входа"],
    sign_in_code => ["Sign-in code", "Giriş kodu", "Giriş kodu", "Код для входа"],
    sign_in_code_help => [
        "Enter the six-digit code your authenticator app shows for the newsroom, or one of your recovery codes.",
        "Autentifikator tətbiqinin redaksiya üçün göstərdiyi altırəqəmli kodu və ya bərpa kodlarınızdan birini daxil edin.",
        "Kimlik doğrulama uygulamanızın haber merkezi için gösterdiği altı haneli kodu ya da kurtarma kodlarınızdan birini girin.",
        "Введите шестизначный код, который приложение-аутентификатор показывает для редакции, или один из кодов восстановления."],
    code => ["Code", "Kod", "Kod", "Код"],
    start_again => ["Start again", "Yenidən başla", "Baştan başla", "Начать заново"],
    // The account.
    change_your_password => ["Change your password", "Şifrənizi dəyişin", "Parolanızı değiştirin", "Сменить пароль"],
    two_factor => ["Two-factor sign-in", "İkiaddımlı giriş", "İki adımlı giriş", "Двухфакторный вход"],
    two_factor_required => [
        "Your role signs in with a code from an authenticator app as well as the password. Set it up to continue.",
        "Rolunuz şifrə ilə yanaşı autentifikator tətbiqindən kodla daxil olur. Davam etmək üçün onu qurun.",
        "Rolünüz parolanın yanı sıra bir kimlik doğrulama uygulamasından gelen kodla giriş yapar. Devam etmek için kurun.",
        "Для вашей роли вход требует, кроме пароля, код из приложения-аутентификатора. Настройте его, чтобы продолжить."],
    recovery_codes_help => [
        "Keep these recovery codes somewhere safe, away from your phone. Each one signs you in once if you lose the app. They are shown only now.",
        "Bu bərpa kodlarını telefonunuzdan ayrı, etibarlı yerdə saxlayın. Tətbiqi itirsəniz, hər biri sizi bir dəfə daxil edir. Onlar yalnız indi göstərilir.",
        "Bu kurtarma kodlarını telefonunuzdan uzakta, güvenli bir yerde saklayın. Uygulamayı kaybederseniz her biri bir kez giriş yapmanızı sağlar. Yalnızca şimdi gösterilirler.",
        "Сохраните эти коды восстановления в надёжном месте, отдельно от телефона. Каждый позволяет войти один раз, если приложение потеряно. Они показываются только сейчас."],
    go_to_desk => ["Go to the desk", "Masaya keç", "Masaya git", "Перейти к рабочему столу"],
    two_factor_is_on => ["Two-factor sign-in is on.", "İkiaddımlı giriş aktivdir.", "İki adımlı giriş açık.", "Двухфакторный вход включён."],
    two_factor_is_off => ["Two-factor sign-in is off.", "İkiaddımlı giriş deaktivdir.", "İki adımlı giriş kapalı.", "Двухфакторный вход выключен."],
    turn_it_off => ["Turn it off", "Söndürün", "Kapatın", "Выключить"],
    code_or_recovery => ["Code from the app, or a recovery code", "Tətbiqdən kod və ya bərpa kodu", "Uygulamadan kod ya da kurtarma kodu", "Код из приложения или код восстановления"],
    turn_off_two_factor => ["Turn off two-factor sign-in", "İkiaddımlı girişi söndür", "İki adımlı girişi kapat", "Выключить двухфакторный вход"],
    add_key_help => [
        "Add this key to an authenticator app (a time-based, six-digit code), then type the code it shows.",
        "Bu açarı autentifikator tətbiqinə (vaxta əsaslanan altırəqəmli kod) əlavə edin, sonra onun göstərdiyi kodu yazın.",
        "Bu anahtarı bir kimlik doğrulama uygulamasına (zamana bağlı, altı haneli kod) ekleyin, ardından gösterdiği kodu yazın.",
        "Добавьте этот ключ в приложение-аутентификатор (шестизначный код, зависящий от времени) и введите код, который оно покажет."],
    key => ["Key", "Açar", "Anahtar", "Ключ"],
    link_for_apps => ["Link for apps that take one", "Keçid qəbul edən tətbiqlər üçün keçid", "Bağlantı kabul eden uygulamalar için bağlantı", "Ссылка для приложений, которые её принимают"],
    code_from_app => ["Code from the app", "Tətbiqdən kod", "Uygulamadan kod", "Код из приложения"],
    turn_on_two_factor => ["Turn on two-factor sign-in", "İkiaddımlı girişi aktivləşdir", "İki adımlı girişi aç", "Включить двухфакторный вход"],
    two_factor_off_help => [
        "Two-factor sign-in is off. With it on, signing in also asks for a code from an app on your phone.",
        "İkiaddımlı giriş deaktivdir. Aktiv olduqda giriş zamanı telefonunuzdakı tətbiqdən kod da soruşulur.",
        "İki adımlı giriş kapalı. Açıkken giriş, telefonunuzdaki bir uygulamadan kod da ister.",
        "Двухфакторный вход выключен. Когда он включён, при входе нужен ещё код из приложения на телефоне."],
    set_up_two_factor => ["Set up two-factor sign-in", "İkiaddımlı girişi qur", "İki adımlı girişi kur", "Настроить двухфакторный вход"],
    interface_language => ["Language of the newsroom", "Redaksiyanın dili", "Haber merkezinin dili", "Язык редакции"],
    save_language => ["Save language", "Dili saxla", "Dili kaydet", "Сохранить язык"],
    language_saved => ["The newsroom now uses your chosen language.", "Redaksiya indi seçdiyiniz dildədir.", "Haber merkezi artık seçtiğiniz dilde.", "Теперь редакция на выбранном вами языке."],
    // Errors.
    back_to_desk => ["Back to the desk", "Masaya qayıt", "Masaya dön", "Вернуться к рабочему столу"],
    not_allowed => ["Not allowed", "İcazə yoxdur", "İzin yok", "Нет доступа"],
    not_allowed_text => ["Your account may not do this here. Nothing was changed.", "Hesabınız burada bunu edə bilməz. Heç nə dəyişmədi.", "Hesabınız burada bunu yapamaz. Hiçbir şey değişmedi.", "Вашей учётной записи здесь это не разрешено. Ничего не изменено."],
    not_found => ["Not found", "Tapılmadı", "Bulunamadı", "Не найдено"],
    not_found_text => ["There is no such item, or it is not yours to open.", "Belə material yoxdur və ya onu açmaq sizə aid deyil.", "Böyle bir haber yok ya da açmak size düşmez.", "Такого материала нет, или открывать его не вам."],
    bad_request => ["Something was wrong with the request", "Sorğuda nəsə düzgün deyildi", "İstekte bir sorun vardı", "В запросе что-то не так"],
    nothing_changed => ["Nothing was changed.", "Heç nə dəyişmədi.", "Hiçbir şey değişmedi.", "Ничего не изменено."],
    too_large => ["Too large", "Həddindən böyükdür", "Çok büyük", "Слишком большой объём"],
    too_many => ["Too many attempts", "Həddindən çox cəhd", "Çok fazla deneme", "Слишком много попыток"],
    wait_and_retry => ["Wait a little and try again.", "Bir az gözləyib yenidən cəhd edin.", "Biraz bekleyip yeniden deneyin.", "Подождите немного и попробуйте снова."],
    unavailable => ["Not available right now", "Hazırda əlçatan deyil", "Şu anda kullanılamıyor", "Сейчас недоступно"],
    nothing_lost => ["Nothing was lost; try again in a moment.", "Heç nə itməyib; bir azdan yenidən cəhd edin.", "Hiçbir şey kaybolmadı; biraz sonra yeniden deneyin.", "Ничего не потеряно; попробуйте чуть позже."],
    failed => ["Something went wrong", "Xəta baş verdi", "Bir hata oluştu", "Что-то пошло не так"],
    failed_text => ["It was logged; try again, or tell the people who run the site.", "Bu qeydə alındı; yenidən cəhd edin və ya saytı idarə edənlərə bildirin.", "Kayda geçti; yeniden deneyin ya da siteyi yönetenlere bildirin.", "Это записано в журнал; попробуйте снова или сообщите тем, кто ведёт сайт."],
    // The audit log.
    when => ["When", "Nə vaxt", "Ne zaman", "Когда"],
    who => ["Who", "Kim", "Kim", "Кто"],
    what => ["What", "Nə", "Ne", "Что"],
    on => ["On", "Nəyə", "Neye", "Над чем"],
    detail => ["Detail", "Təfərrüat", "Ayrıntı", "Подробности"],
    // History and differences.
    changes_from_to => ["Changes from version {x} to version {y}", "{x} versiyasından {y} versiyasına dəyişikliklər", "{x}. sürümden {y}. sürüme değişiklikler", "Изменения от версии {x} к версии {y}"],
    back_to_history => ["Back to the history", "Tarixçəyə qayıt", "Geçmişe dön", "Вернуться к истории"],
    same_text => ["The two versions have the same text.", "İki versiyanın mətni eynidir.", "İki sürümün metni aynı.", "У двух версий одинаковый текст."],
    restore_version => ["Restore version {x}", "{x} versiyasını bərpa et", "{x}. sürümü geri yükle", "Восстановить версию {x}"],
    history_of => ["History of “{x}”", "“{x}” tarixçəsi", "“{x}” geçmişi", "История «{x}»"],
    back_to_item => ["Back to the item", "Materiala qayıt", "Habere dön", "Вернуться к материалу"],
    version => ["Version", "Versiya", "Sürüm", "Версия"],
    saved_at => ["Saved", "Saxlanıb", "Kaydedildi", "Сохранено"],
    from => ["From", "Tarixdən", "Başlangıç", "С"],
    to => ["To", "Tarixədək", "Bitiş", "По"],
    compare_from => ["compare from version {x}", "{x} versiyasından müqayisə et", "{x}. sürümden karşılaştır", "сравнить от версии {x}"],
    compare_to => ["compare to version {x}", "{x} versiyası ilə müqayisə et", "{x}. sürümle karşılaştır", "сравнить с версией {x}"],
    show_differences => ["Show differences", "Fərqləri göstər", "Farkları göster", "Показать различия"],
    // Images.
    images => ["Images", "Şəkillər", "Görseller", "Изображения"],
    uploaded_place => ["Uploaded. To place it in a body, write", "Yükləndi. Mətnə yerləşdirmək üçün yazın:", "Yüklendi. Metne yerleştirmek için şunu yazın:", "Загружено. Чтобы вставить в текст, напишите"],
    image_file => ["Image (JPEG, PNG, WebP or GIF, up to {x} MB)", "Şəkil (JPEG, PNG, WebP və ya GIF, {x} MB-dək)", "Görsel (JPEG, PNG, WebP ya da GIF, en fazla {x} MB)", "Изображение (JPEG, PNG, WebP или GIF, до {x} МБ)"],
    alt_help => ["Alt text: what the image shows, for readers who cannot see it", "Alternativ mətn: görə bilməyən oxucular üçün şəkildə nə göstərildiyi", "Alternatif metin: göremeyen okurlar için görselin ne gösterdiği", "Альтернативный текст: что на изображении, для читателей, которые его не видят"],
    caption_optional => ["Caption (optional)", "Şəkilaltı yazı (istəyə görə)", "Altyazı (isteğe bağlı)", "Подпись (необязательно)"],
    credit_optional => ["Credit (optional)", "Müəllif hüququ (istəyə görə)", "Telif (isteğe bağlı)", "Автор снимка (необязательно)"],
    upload => ["Upload", "Yüklə", "Yükle", "Загрузить"],
    uploaded => ["Uploaded", "Yüklənənlər", "Yüklenenler", "Загруженные"],
    image => ["Image", "Şəkil", "Görsel", "Изображение"],
    alt_text => ["Alt text", "Alternativ mətn", "Alternatif metin", "Альтернативный текст"],
    size => ["Size", "Ölçü", "Boyut", "Размер"],
    in_a_body => ["In a body", "Mətndə", "Metinde", "В тексте"],
    // The password.
    change_password => ["Change password", "Şifrəni dəyiş", "Parolayı değiştir", "Сменить пароль"],
    password_changed => ["Your password is changed. Every session of your account has ended.", "Şifrəniz dəyişdirildi. Hesabınızın bütün sessiyaları bitdi.", "Parolanız değiştirildi. Hesabınızın tüm oturumları sona erdi.", "Пароль изменён. Все сеансы вашей учётной записи завершены."],
    sign_in_again => ["Sign in again with the new password.", "Yeni şifrə ilə yenidən daxil olun.", "Yeni parolayla yeniden giriş yapın.", "Войдите снова с новым паролем."],
    current_password => ["Current password", "Hazırkı şifrə", "Mevcut parola", "Текущий пароль"],
    new_password => ["New password (at least 10 characters)", "Yeni şifrə (ən azı 10 simvol)", "Yeni parola (en az 10 karakter)", "Новый пароль (не короче 10 символов)"],
    new_password_again => ["New password again", "Yeni şifrə təkrar", "Yeni parola tekrar", "Новый пароль ещё раз"],
    // The desk's search.
    filters => ["Filters", "Süzgəclər", "Filtreler", "Фильтры"],
    status => ["Status", "Status", "Durum", "Статус"],
    any => ["Any", "Hamısı", "Tümü", "Любой"],
    author => ["Author", "Müəllif", "Yazar", "Автор"],
    index_rebuilding => ["The search index is being rebuilt: some items may be missing for a few minutes.", "Axtarış indeksi yenidən qurulur: bir neçə dəqiqə bəzi materiallar görünməyə bilər.", "Arama dizini yeniden oluşturuluyor: birkaç dakika bazı haberler eksik olabilir.", "Поисковый индекс перестраивается: несколько минут часть материалов может отсутствовать."],
    nothing_found => ["Nothing was found.", "Heç nə tapılmadı.", "Hiçbir şey bulunamadı.", "Ничего не найдено."],
    date => ["Date", "Tarix", "Tarih", "Дата"],
    pages => ["Pages", "Səhifələr", "Sayfalar", "Страницы"],
    previous => ["Previous", "Əvvəlki", "Önceki", "Назад"],
    page_n => ["Page {x}", "Səhifə {x}", "Sayfa {x}", "Страница {x}"],
    next => ["Next", "Növbəti", "Sonraki", "Вперёд"],
    // Editions and sections.
    editions_and_sections => ["Editions and sections", "Buraxılışlar və bölmələr", "Baskılar ve bölümler", "Выпуски и разделы"],
    section => ["Section", "Bölmə", "Bölüm", "Раздел"],
    address => ["Address", "Ünvan", "Adres", "Адрес"],
    add_a_section => ["Add a section", "Bölmə əlavə edin", "Bölüm ekleyin", "Добавить раздел"],
    name_as_readers_see => ["Name, as readers see it", "Oxucuların gördüyü ad", "Okurların gördüğü ad", "Название, как его видят читатели"],
    slug_help => ["Address segment (lowercase letters, digits, hyphens)", "Ünvan hissəsi (kiçik hərflər, rəqəmlər, defislər)", "Adres parçası (küçük harfler, rakamlar, kısa çizgiler)", "Часть адреса (строчные латинские буквы, цифры, дефисы)"],
    add_section => ["Add section", "Bölmə əlavə et", "Bölüm ekle", "Добавить раздел"],
    add_an_edition => ["Add an edition", "Buraxılış əlavə edin", "Baskı ekleyin", "Добавить выпуск"],
    language_code => ["Language code (en, az, tr, ru…)", "Dil kodu (en, az, tr, ru…)", "Dil kodu (en, az, tr, ru…)", "Код языка (en, az, tr, ru…)"],
    site_name_in_edition => ["Site name in this edition", "Bu buraxılışda saytın adı", "Bu baskıda sitenin adı", "Название сайта в этом выпуске"],
    outlet_after_bylines => ["Outlet shown after bylines", "Müəllif adlarından sonra göstərilən nəşr", "İmzalardan sonra gösterilen yayın kuruluşu", "Издание, указываемое после подписи"],
    add_edition => ["Add edition", "Buraxılış əlavə et", "Baskı ekle", "Добавить выпуск"],
    editions_heading => ["Editions", "Buraxılışlar", "Baskılar", "Выпуски"],
    edition_public => ["Public", "Açıq", "Yayında", "Открыт читателям"],
    edition_draft => ["Draft: readers do not see it yet", "Qaralama: oxucular hələ görmür", "Taslak: okurlar henüz görmüyor", "Черновик: читатели его пока не видят"],
    confirm_withdraw => ["Withdraw this story from readers now?", "Bu xəbər oxuculardan indi geri çəkilsin?", "Bu haber okurlardan şimdi kaldırılsın mı?", "Снять этот материал с публикации сейчас?"],
    confirm_restore => ["Restore this version? Readers see it at once if the story is live.", "Bu versiya bərpa olunsun? Xəbər dərc olunubsa, oxucular onu dərhal görəcək.", "Bu sürüm geri yüklensin mi? Haber yayındaysa okurlar hemen görür.", "Восстановить эту версию? Если материал опубликован, читатели сразу её увидят."],
    rename_section => ["Save name and address", "Adı və ünvanı saxla", "Adı ve adresi kaydet", "Сохранить название и адрес"],
    move_earlier => ["Up", "Yuxarı", "Yukarı", "Выше"],
    move_later => ["Down", "Aşağı", "Aşağı", "Ниже"],
    hide_section => ["Hide", "Gizlət", "Gizle", "Скрыть"],
    show_section => ["Show", "Göstər", "Göster", "Показать"],
    section_hidden => ["hidden from the masthead and home page", "başlıqdan və ana səhifədən gizlədilib", "başlıktan ve ana sayfadan gizli", "скрыт из шапки и главной"],
    desk_filter_unknown => ["The desk cannot filter by {x} '{y}': there is no such one.", "Masa {x} '{y}' üzrə süzgəcləyə bilməz: belə biri yoxdur.", "Masa {x} '{y}' ile süzülemez: böyle bir şey yok.", "Нельзя отобрать по полю {x} со значением '{y}': такого нет."],
    filter_desk => ["Filter", "Süz", "Süz", "Отобрать"],
    clear_filter => ["Show everything", "Hamısını göstər", "Hepsini göster", "Показать всё"],
    any_choice => ["any", "hamısı", "hepsi", "любой"],
    from_day => ["From", "Başlanğıc tarixi", "Başlangıç", "С"],
    to_day => ["To", "Son tarix", "Bitiş", "По"],
    author_word => ["Author", "Müəllif", "Yazar", "Автор"],
    what_happened => ["What happened", "Nə baş verdi", "Neler oldu", "Что происходило"],
    event_created => ["created", "yaradıldı", "oluşturuldu", "создан"],
    event_saved => ["saved", "saxlanıldı", "kaydedildi", "сохранён"],
    event_submitted => ["submitted for review", "yoxlamaya göndərildi", "incelemeye gönderildi", "отправлен на проверку"],
    event_returned => ["returned to draft", "qaralamaya qaytarıldı", "taslağa döndürüldü", "возвращён в черновики"],
    event_published_on_schedule => ["published on schedule", "planla dərc olundu", "zamanında yayımlandı", "опубликован по расписанию"],
    event_scheduled => ["scheduled", "planlaşdırıldı", "zamanlandı", "запланирован"],
    event_restored => ["restored an earlier version", "əvvəlki versiya bərpa edildi", "önceki sürüm geri yüklendi", "восстановлена прежняя версия"],
    event_item_withdrawn => ["withdrawn", "geri çəkildi", "yayından kaldırıldı", "снят с публикации"],
    event_withdrawn_on_schedule => ["withdrawn on schedule", "planla geri çəkildi", "zamanında yayından kaldırıldı", "снят по расписанию"],
    event_withdrawal_scheduled => ["withdrawal scheduled", "geri çəkilmə planlaşdırıldı", "yayından kaldırma zamanlandı", "снятие запланировано"],
    event_held_back => ["held back", "saxlanıldı, dərc olunmadı", "yayımlanmadan tutuldu", "придержан"],
    characters_left => ["{x} of {y} characters", "{x} / {y} simvol", "{x} / {y} karakter", "{x} из {y} символов"],
    editor_shortcuts => ["Keys: Ctrl+S saves, Ctrl+Shift+P previews, Ctrl+Enter publishes.", "Düymələr: Ctrl+S saxlayır, Ctrl+Shift+P önizləyir, Ctrl+Enter dərc edir.", "Tuşlar: Ctrl+S kaydeder, Ctrl+Shift+P önizler, Ctrl+Enter yayımlar.", "Клавиши: Ctrl+S сохраняет, Ctrl+Shift+P показывает предпросмотр, Ctrl+Enter публикует."],
    item_slug => ["Address (slug), if not the headline's; old addresses keep working", "Ünvan (slug), başlıqdan fərqli olsa; köhnə ünvanlar işləməyə davam edir", "Adres (slug), başlıktan farklıysa; eski adresler çalışmaya devam eder", "Адрес (slug), если не из заголовка; старые адреса продолжают работать"],
    accounts => ["Accounts", "Hesablar", "Hesaplar", "Учётные записи"],
    add_an_account => ["Add an account", "Hesab əlavə edin", "Hesap ekleyin", "Добавить учётную запись"],
    add_account => ["Add account", "Hesab əlavə et", "Hesap ekle", "Добавить"],
    display_name => ["Name colleagues see", "Həmkarların gördüyü ad", "Meslektaşların gördüğü ad", "Имя, которое видят коллеги"],
    first_password => ["First password (at least 10 characters; they can change it)", "İlk şifrə (ən azı 10 simvol; sonra dəyişə bilər)", "İlk parola (en az 10 karakter; sonra değiştirebilir)", "Первый пароль (не короче 10 символов; его можно сменить)"],
    role => ["Role", "Rol", "Rol", "Роль"],
    role_admin => ["Admin", "İdarəçi", "Yönetici", "Администратор"],
    role_editor => ["Editor", "Redaktor", "Editör", "Редактор"],
    role_reporter => ["Reporter", "Müxbir", "Muhabir", "Корреспондент"],
    account_active => ["active", "aktiv", "etkin", "активна"],
    account_disabled => ["disabled", "bağlanıb", "devre dışı", "отключена"],
    disable_account => ["Disable", "Bağla", "Devre dışı bırak", "Отключить"],
    enable_account => ["Enable", "Aç", "Etkinleştir", "Включить"],
    change_role => ["Change role", "Rolu dəyiş", "Rolü değiştir", "Сменить роль"],
    reset_password => ["Reset password", "Şifrəni sıfırla", "Parolayı sıfırla", "Сбросить пароль"],
    two_factor_short_on => ["on", "aktiv", "açık", "включён"],
    two_factor_short_off => ["off", "deaktiv", "kapalı", "выключен"],
    account_created => ["Account {x} is made. Give them the first password in person.", "{x} hesabı yaradıldı. İlk şifrəni şəxsən verin.", "{x} hesabı oluşturuldu. İlk parolayı yüz yüze verin.", "Учётная запись {x} создана. Передайте первый пароль лично."],
    account_changed => ["Account {x} is changed.", "{x} hesabı dəyişdirildi.", "{x} hesabı değiştirildi.", "Учётная запись {x} изменена."],
    password_was_reset => ["The password of {x} is reset and their sessions have ended.", "{x} hesabının şifrəsi sıfırlandı, seansları bitdi.", "{x} hesabının parolası sıfırlandı, oturumları sona erdi.", "Пароль {x} сброшен, все его сеансы завершены."],
    last_admin => ["The site must keep at least one active admin. Nothing was changed.", "Saytda ən azı bir aktiv admin qalmalıdır. Heç nə dəyişmədi.", "Sitede en az bir etkin yönetici kalmalı. Hiçbir şey değişmedi.", "На сайте должен остаться хотя бы один активный администратор. Ничего не изменено."],
    launch_edition => ["Launch", "Açın", "Yayına aç", "Открыть"],
    new_editions_are_drafts => ["A new edition starts as a draft: prepare its sections, stories and front page, then launch it.", "Yeni buraxılış qaralama kimi başlayır: bölmələrini, xəbərlərini və ön səhifəsini hazırlayın, sonra açın.", "Yeni baskı taslak olarak başlar: bölümlerini, haberlerini ve ön sayfasını hazırlayın, sonra yayına açın.", "Новый выпуск создаётся черновиком: подготовьте разделы, материалы и главную страницу, затем откройте его."],
    save_edition_name => ["Save name and outlet", "Adı və nəşri saxla", "Adı ve yayın kuruluşunu kaydet", "Сохранить название и издание"],
    // The editor.
    item => ["Item", "Material", "Haber", "Материал"],
    edit => ["Edit", "Redaktə et", "Düzenle", "Редактировать"],
    edit_item => ["Edit item", "Materialı redaktə et", "Haberi düzenle", "Редактировать материал"],
    status_line => ["Status:", "Status:", "Durum:", "Статус:"],
    see_as_readers => ["see it as readers do", "oxucuların gördüyü kimi bax", "okurların gördüğü gibi gör", "посмотреть глазами читателя"],
    history => ["history", "tarixçə", "geçmiş", "история"],
    embargo_notice => ["Embargoed until {x}.", "{x} tarixinədək embarqo.", "{x} tarihine kadar ambargolu.", "Эмбарго до {x}."],
    embargo_holds => ["It cannot be published, by any path, before then.", "O vaxtadək heç bir yolla dərc oluna bilməz.", "O zamana kadar hiçbir yoldan yayımlanamaz.", "До этого его нельзя опубликовать никаким путём."],
    also_open_by => ["Also open by {x}", "Həmçinin açıb: {x}", "Şu kişilerde de açık: {x}", "Также открыто у: {x}"],
    saved => ["Saved.", "Saxlanıldı.", "Kaydedildi.", "Сохранено."],
    stale_heading => ["Someone else saved this item since you opened it", "Siz açandan sonra bu materialı başqası saxlayıb", "Siz açtıktan sonra bu haberi başka biri kaydetti", "После того как вы открыли материал, его сохранил кто-то другой"],
    stale_text => ["(now version {x}). Your text is kept in the form below; compare it with theirs, then save again.", "(indi {x} versiyası). Mətniniz aşağıdakı formada saxlanılıb; onu digərininki ilə müqayisə edib yenidən saxlayın.", "(şimdi {x}. sürüm). Metniniz aşağıdaki formda duruyor; onunkiyle karşılaştırıp yeniden kaydedin.", "(теперь версия {x}). Ваш текст сохранён в форме ниже; сравните его с их текстом и сохраните снова."],
    their_version => ["Their version", "Onların versiyası", "Onların sürümü", "Их версия"],
    read_only => ["You can read this item but not change it.", "Bu materialı oxuya bilərsiniz, amma dəyişə bilməzsiniz.", "Bu haberi okuyabilirsiniz ama değiştiremezsiniz.", "Этот материал можно читать, но не менять."],
    kind => ["Kind", "Növ", "Tür", "Тип"],
    authors => ["Authors", "Müəlliflər", "Yazarlar", "Авторы"],
    tags => ["Tags", "Teqlər", "Etiketler", "Теги"],
    autosave_kept => ["This browser kept text you had not saved.", "Bu brauzer saxlamadığınız mətni yadda saxlayıb.", "Bu tarayıcı kaydetmediğiniz metni sakladı.", "Браузер сохранил текст, который вы не сохранили."],
    restore_unsaved => ["Restore unsaved text", "Saxlanmamış mətni bərpa et", "Kaydedilmemiş metni geri getir", "Восстановить несохранённый текст"],
    discard_it => ["Discard it", "Ləğv et", "At", "Отбросить"],
    standfirst_optional => ["Standfirst (optional)", "Lid (istəyə görə)", "Spot (isteğe bağlı)", "Лид (необязательно)"],
    search_and_sharing => ["Search and sharing", "Axtarış və paylaşma", "Arama ve paylaşım", "Поиск и соцсети"],
    seo_title_optional => ["Title for search engines and shares (optional; else the headline)", "Axtarış sistemləri və paylaşımlar üçün başlıq (istəyə görə; yoxdursa əsas başlıq)", "Arama motorları ve paylaşımlar için başlık (isteğe bağlı; yoksa haber başlığı)", "Заголовок для поисковиков и соцсетей (необязательно; иначе основной)"],
    seo_description_optional => ["Description for search engines and shares (optional; else the standfirst)", "Axtarış sistemləri və paylaşımlar üçün təsvir (istəyə görə; yoxdursa lid)", "Arama motorları ve paylaşımlar için açıklama (isteğe bağlı; yoksa spot)", "Описание для поисковиков и соцсетей (необязательно; иначе лид)"],
    social_card => ["As a shared link", "Paylaşılan keçid kimi", "Paylaşılan bağlantı olarak", "Как ссылка в соцсетях"],
    body_markdown => ["Body (Markdown)", "Mətn (Markdown)", "Metin (Markdown)", "Текст (Markdown)"],
    body => ["Body", "Mətn", "Metin", "Текст"],
    standfirst => ["Standfirst", "Lid", "Spot", "Лид"],
    outlet => ["Outlet", "Nəşr", "Yayın kuruluşu", "Издание"],
    article => ["Article", "Məqalə", "Makale", "Статья"],
    brief => ["Brief", "Qısa xəbər", "Kısa haber", "Короткая новость"],
    authors_commas => ["Authors, separated by commas", "Müəlliflər, vergüllə ayrılmış", "Yazarlar, virgülle ayrılmış", "Авторы через запятую"],
    unknown_author => ["No author is called {x} yet.", "Hələ {x} adlı müəllif yoxdur.", "Henüz {x} adında bir yazar yok.", "Автора с именем {x} пока нет."],
    did_you_mean_author => ["Did you mean {x}?", "Bəlkə {x} nəzərdə tutulub?", "{x} mı demek istediniz?", "Возможно, имелся в виду {x}?"],
    add_new_authors => ["Yes, add as new authors: {x}", "Bəli, yeni müəllif kimi əlavə et: {x}", "Evet, yeni yazar olarak ekle: {x}", "Да, добавить как новых авторов: {x}"],
    related_is => ["Related: {x}", "Əlaqəli: {x}", "İlgili: {x}", "Связанный материал: {x}"],
    search_headlines => ["type words of its headline, or its id", "başlığından sözlər və ya id-sini yazın", "başlığından kelimeler ya da kimliğini yazın", "введите слова из заголовка или номер"],
    outlet_optional => ["Outlet after the byline (optional, when not the edition's own)", "Müəllif adından sonra nəşr (istəyə görə, buraxılışın özününkü deyilsə)", "İmzadan sonra yayın kuruluşu (isteğe bağlı, baskının kendisi değilse)", "Издание после подписи (необязательно, если не собственное издание выпуска)"],
    tags_commas => ["Tags, separated by commas", "Teqlər, vergüllə ayrılmış", "Etiketler, virgülle ayrılmış", "Теги через запятую"],
    related_optional => ["Related item (its id, optional)", "Əlaqəli material (id-si, istəyə görə)", "İlgili haber (kimliği, isteğe bağlı)", "Связанный материал (его номер, необязательно)"],
    translation_of_optional => ["Translation of (the id of the same story in another edition, optional)", "Tərcüməsidir (başqa buraxılışdakı eyni xəbərin id-si, istəyə görə)", "Çevirisidir (aynı haberin başka baskıdaki kimliği, isteğe bağlı)", "Перевод материала (номер того же материала в другой редакции, необязательно)"],
    translation_of => ["Translation of", "Tərcüməsidir", "Çevirisi", "Перевод материала"],
    front_page => ["Front page", "Ana səhifə", "Ana sayfa", "Главная страница"],
    wire => ["Wire", "Lent agentlikləri", "Ajans akışı", "Ленты агентств"],
    wire_feeds => ["Wire feeds", "Agentlik lentləri", "Ajans beslemeleri", "Источники лент"],
    already_done => ["Already done", "Artıq edilib", "Zaten yapıldı", "Уже сделано"],
    someone_first => ["Someone got there first. Nothing was changed.", "Kimsə sizdən əvvəl etdi. Heç nə dəyişmədi.", "Biri sizden önce yaptı. Hiçbir şey değişmedi.", "Кто-то успел раньше. Ничего не изменено."],
    related => ["Related item", "Əlaqəli material", "İlgili haber", "Связанный материал"],
    lead_image => ["Lead image", "Əsas şəkil", "Ana görsel", "Главное изображение"],
    no_image => ["No image", "Şəkilsiz", "Görsel yok", "Без изображения"],
    caption => ["Caption", "Şəkilaltı yazı", "Altyazı", "Подпись"],
    credit => ["Credit", "Müəllif hüququ", "Telif", "Автор снимка"],
    search_images => ["Search images by alt text, caption or credit", "Şəkilləri alternativ mətnə, şəkilaltı yazıya və ya müəllif hüququna görə axtar", "Görselleri alternatif metne, altyazıya ya da telife göre ara", "Искать изображения по альтернативному тексту, подписи или автору снимка"],
    no_images_match => ["No image matches.", "Uyğun şəkil yoxdur.", "Eşleşen görsel yok.", "Подходящих изображений нет."],
    latest_images => ["Showing the latest images; search for older ones.", "Son şəkillər göstərilir; köhnələri axtarışla tapın.", "Son görseller gösteriliyor; eskileri arayarak bulun.", "Показаны последние изображения; более старые найдите поиском."],
    focal_point => ["Focal point", "Fokus nöqtəsi", "Odak noktası", "Точка фокуса"],
    focal_help => ["Click the image where its subject is, or type the numbers: every crop keeps that point in view.", "Şəklin əsas obyekti olan yerə klikləyin və ya rəqəmləri yazın: hər kəsim bu nöqtəni görünən saxlayır.", "Görselde konunun bulunduğu yere tıklayın ya da sayıları yazın: her kırpma bu noktayı görünür tutar.", "Щёлкните по изображению там, где главный объект, или введите числа: любая обрезка сохранит эту точку в кадре."],
    focal_across => ["Across (0 left, 1000 right)", "Üfüqi (0 sol, 1000 sağ)", "Yatay (0 sol, 1000 sağ)", "По горизонтали (0 слева, 1000 справа)"],
    focal_down => ["Down (0 top, 1000 bottom)", "Şaquli (0 yuxarı, 1000 aşağı)", "Dikey (0 üst, 1000 alt)", "По вертикали (0 сверху, 1000 снизу)"],
    save_focal_point => ["Save focal point", "Fokus nöqtəsini saxla", "Odak noktasını kaydet", "Сохранить точку фокуса"],
    focal_point_saved => ["Focal point saved.", "Fokus nöqtəsi saxlanıldı.", "Odak noktası kaydedildi.", "Точка фокуса сохранена."],
    as_cropped => ["As crops show it", "Kəsimdə belə görünür", "Kırpılmış hâli", "Так выглядит обрезка"],
    bad_focal_point => ["The focal point must lie within the image: 0 to 1000 across and down.", "Fokus nöqtəsi şəklin daxilində olmalıdır: üfüqi və şaquli 0-dan 1000-ə qədər.", "Odak noktası görselin içinde olmalı: yatay ve dikey 0 ile 1000 arası.", "Точка фокуса должна быть внутри изображения: от 0 до 1000 по горизонтали и вертикали."],
    not_an_image => ["The file is not a JPEG, PNG, WebP or GIF image.", "Fayl JPEG, PNG, WebP və ya GIF şəkli deyil.", "Dosya bir JPEG, PNG, WebP ya da GIF görseli değil.", "Файл не является изображением JPEG, PNG, WebP или GIF."],
    image_unreadable => ["The image could not be read: it is damaged, too big or of an unsupported kind.", "Şəkli oxumaq mümkün olmadı: zədələnib, çox böyükdür və ya dəstəklənməyən növdədir.", "Görsel okunamadı: bozuk, çok büyük ya da desteklenmeyen türde.", "Изображение не удалось прочитать: оно повреждено, слишком велико или неподдерживаемого вида."],
    upload_lead_image => ["Upload a lead image", "Əsas şəkil yüklə", "Ana görsel yükle", "Загрузить главное изображение"],
    drop_image_here => ["Drop an image here, or choose a file below.", "Şəkli bura atın və ya aşağıda fayl seçin.", "Görseli buraya bırakın ya da aşağıdan bir dosya seçin.", "Перетащите изображение сюда или выберите файл ниже."],
    upload_and_choose => ["Upload and choose as lead image", "Yüklə və əsas şəkil kimi seç", "Yükle ve ana görsel olarak seç", "Загрузить и выбрать главным изображением"],
    uploading => ["Uploading…", "Yüklənir…", "Yükleniyor…", "Загрузка…"],
    uploaded_chosen => ["Uploaded and chosen as the lead image; save the item to keep it.", "Yükləndi və əsas şəkil kimi seçildi; saxlamaq üçün materialı yadda saxlayın.", "Yüklendi ve ana görsel olarak seçildi; korumak için haberi kaydedin.", "Загружено и выбрано главным изображением; сохраните материал, чтобы это осталось."],
    upload_failed => ["The upload failed; nothing typed was lost. Try again.", "Yükləmə alınmadı; yazılanlar itmədi. Yenidən cəhd edin.", "Yükleme başarısız oldu; yazılanlar kaybolmadı. Yeniden deneyin.", "Загрузка не удалась; набранное не потеряно. Попробуйте снова."],
    refused_page => ["Give the page as a whole number from 1.", "Səhifəni 1-dən başlayan tam ədədlə göstərin.", "Sayfayı 1'den başlayan bir tam sayıyla belirtin.", "Укажите страницу целым числом от 1."],
    upload_on_media_page => ["Upload images on the images page", "Şəkilləri şəkillər səhifəsində yükləyin", "Görselleri görseller sayfasında yükleyin", "Загружайте изображения на странице изображений"],
    none => ["None", "Yoxdur", "Yok", "Нет"],
    placement => ["Placement", "Yerləşmə", "Yerleşim", "Размещение"],
    lead_story => ["Lead story on the home page", "Ana səhifədə əsas xəbər", "Ana sayfada manşet", "Главная новость на первой странице"],
    breaking_news => ["Breaking news", "Təcili xəbər", "Son dakika haberi", "Срочная новость"],
    embargo_until => ["Embargo until ({x})", "Embarqo bitir ({x})", "Ambargo bitişi ({x})", "Эмбарго до ({x})"],
    publish_at => ["Publish at ({x})", "Dərc vaxtı ({x})", "Yayın zamanı ({x})", "Опубликовать в ({x})"],
    withdraw_at => ["Withdraw at ({x})", "Geri çəkmə vaxtı ({x})", "Yayından kaldırma zamanı ({x})", "Снять с публикации в ({x})"],
    preview => ["Preview", "Önizləmə", "Önizleme", "Предпросмотр"],
    save => ["Save", "Saxla", "Kaydet", "Сохранить"],
    submit_for_review => ["Submit for review", "Yoxlamaya göndər", "İncelemeye gönder", "Отправить на проверку"],
    publish_now => ["Publish now", "İndi dərc et", "Şimdi yayımla", "Опубликовать сейчас"],
    schedule => ["Schedule", "Planlaşdır", "Zamanla", "Запланировать"],
    back_to_draft => ["Back to draft", "Qaralamaya qaytar", "Taslağa geri al", "Вернуть в черновики"],
    desk_note_label => ["Note for the other side, sent with Submit for review or Back to draft (optional, up to 1000 characters)", "Qarşı tərəf üçün qeyd: «Yoxlamaya göndər» və ya «Qaralamaya qaytar» ilə göndərilir (istəyə bağlı, 1000 simvola qədər)", "Karşı taraf için açıklama: «İncelemeye gönder» veya «Taslağa geri al» ile gider (isteğe bağlı, en fazla 1000 karakter)", "Заметка для другой стороны, уходит с «Отправить на проверку» или «Вернуть в черновики» (необязательно, до 1000 символов)"],
    desk_note_too_long => ["Keep the note to 1000 characters.", "Qeyd 1000 simvoldan uzun olmamalıdır.", "Açıklama en fazla 1000 karakter olmalı.", "Заметка должна быть не длиннее 1000 символов."],
    desk_note => ["Note", "Qeyd", "Açıklama", "Заметка"],
    note_with_step => ["Note ({x}, {y}):", "Qeyd ({x}, {y}):", "Açıklama ({x}, {y}):", "Заметка ({x}, {y}):"],
    note_from => ["Note from {x}:", "Qeyd ({x}):", "Açıklama ({x}):", "Заметка ({x}):"],
    hand_over_notes => ["Notes handed over", "Ötürmə qeydləri", "Devir açıklamaları", "Заметки при передаче"],
    new_since_last_look => ["{x} new since your last visit", "son baxışınızdan bəri {x} yeni", "son bakışınızdan beri {x} yeni", "новых с прошлого визита: {x}"],
    new_mark => ["new", "yeni", "yeni", "новое"],
    withdraw => ["Withdraw", "Geri çək", "Yayından kaldır", "Снять с публикации"],
    breaking => ["Breaking", "Təcili", "Son dakika", "Срочно"],
    embargo => ["Embargo", "Embarqo", "Ambargo", "Эмбарго"],
    differences => ["Differences", "Fərqlər", "Farklar", "Различия"],
    history_title => ["History", "Tarixçə", "Geçmiş", "История"],
    lead_story_short => ["Lead story", "Əsas xəbər", "Manşet", "Главная новость"],
    corrections => ["Corrections", "Düzəlişlər", "Düzeltmeler", "Исправления"],
    what_was_wrong => ["What was wrong, and what is right", "Nə səhv idi və nə düzgündür", "Ne yanlıştı, doğrusu ne", "Что было неверно и как верно"],
    add_correction => ["Add correction", "Düzəliş əlavə et", "Düzeltme ekle", "Добавить исправление"],
    yes => ["yes", "bəli", "evet", "да"],
    no => ["no", "xeyr", "hayır", "нет"],
    // API tokens.
    tokens_intro => ["A token lets a program use the API as you, with your role, for what its scopes allow. Send it as", "Açar proqrama API-dən sizin adınızdan, rolunuzla, icazə sahələrinin imkan verdiyi qədər istifadə etməyə imkan verir. Onu belə göndərin:", "Anahtar, bir programın API'yi sizin adınıza, rolünüzle, kapsamlarının izin verdiği ölçüde kullanmasını sağlar. Şöyle gönderin:", "Токен позволяет программе работать с API от вашего имени, с вашей ролью, в пределах своих прав. Передавайте его так:"],
    token_issued => ["Your new token “{x}”. Copy it now: it is shown only this once.", "Yeni açarınız “{x}”. İndi köçürün: o yalnız bu dəfə göstərilir.", "Yeni anahtarınız “{x}”. Şimdi kopyalayın: yalnızca bu kez gösterilir.", "Ваш новый токен «{x}». Скопируйте его сейчас: он показывается только один раз."],
    new_token => ["New token", "Yeni açar", "Yeni anahtar", "Новый токен"],
    token_name => ["Name (what the token is for)", "Ad (açar nə üçündür)", "Ad (anahtar ne için)", "Название (для чего токен)"],
    scopes => ["Scopes", "İcazə sahələri", "Kapsamlar", "Права"],
    expires_in_days => ["Expires in (days, 1 to {x})", "Bitmə müddəti (gün, 1-dən {x}-ə qədər)", "Geçerlilik süresi (gün, 1 ile {x} arası)", "Срок действия (дней, от 1 до {x})"],
    create_token => ["Create token", "Açar yarat", "Anahtar oluştur", "Создать токен"],
    every_accounts_tokens => ["Every account’s tokens", "Bütün hesabların açarları", "Tüm hesapların anahtarları", "Токены всех учётных записей"],
    your_tokens => ["Your tokens", "Açarlarınız", "Anahtarlarınız", "Ваши токены"],
    no_tokens_yet => ["No tokens yet.", "Hələ açar yoxdur.", "Henüz anahtar yok.", "Токенов пока нет."],
    id => ["Id", "Id", "Kimlik", "Номер"],
    name => ["Name", "Ad", "Ad", "Название"],
    created => ["Created", "Yaradılıb", "Oluşturuldu", "Создан"],
    expires => ["Expires", "Bitir", "Sona erer", "Истекает"],
    state => ["State", "Vəziyyət", "Durum", "Состояние"],
    action => ["Action", "Əməliyyat", "İşlem", "Действие"],
    actions => ["Actions", "Əməliyyatlar", "İşlemler", "Действия"],
    revoke => ["Revoke", "Ləğv et", "İptal et", "Отозвать"],
    token_active => ["active", "aktiv", "etkin", "действует"],
    token_revoked => ["revoked", "ləğv edilib", "iptal edildi", "отозван"],
    token_expired => ["expired", "müddəti bitib", "süresi doldu", "истёк"],
    // Webhooks.
    webhook_n => ["Webhook {x}", "Vebhuk {x}", "Web kancası {x}", "Вебхук {x}"],
    all_webhooks => ["All webhooks", "Bütün vebhuklar", "Tüm web kancaları", "Все вебхуки"],
    events => ["Events", "Hadisələr", "Olaylar", "События"],
    webhook_active => ["active", "aktiv", "etkin", "активен"],
    webhook_paused => ["paused", "dayandırılıb", "duraklatıldı", "приостановлен"],
    added => ["Added", "Əlavə edilib", "Eklendi", "Добавлен"],
    recent_deliveries => ["Recent deliveries", "Son göndərişlər", "Son gönderimler", "Последние доставки"],
    no_deliveries_yet => ["No deliveries yet.", "Hələ göndəriş yoxdur.", "Henüz gönderim yok.", "Доставок пока нет."],
    delivery => ["Delivery", "Göndəriş", "Gönderim", "Доставка"],
    event => ["Event", "Hadisə", "Olay", "Событие"],
    queued => ["Queued", "Növbəyə qoyulub", "Sıraya alındı", "В очереди с"],
    attempts => ["Attempts", "Cəhdlər", "Denemeler", "Попытки"],
    last_answer => ["Last answer", "Son cavab", "Son yanıt", "Последний ответ"],
    next_attempt => ["Next attempt", "Növbəti cəhd", "Sonraki deneme", "Следующая попытка"],
    redeliver => ["Redeliver", "Yenidən göndər", "Yeniden gönder", "Доставить снова"],
    webhooks_intro => ["A webhook is an address Newsline calls when a public item is published, updated, withdrawn or corrected. Each call is signed with the webhook’s secret, in this header (see the documentation):", "Vebhuk ictimai material dərc olunanda, yenilənəndə, geri çəkiləndə və ya düzəldiləndə Newsline-ın müraciət etdiyi ünvandır. Hər müraciət vebhukun gizli açarı ilə bu başlıqda imzalanır (sənədlərə baxın):", "Web kancası, herkese açık bir haber yayımlandığında, güncellendiğinde, yayından kaldırıldığında ya da düzeltildiğinde Newsline'ın çağırdığı bir adrestir. Her çağrı, web kancasının gizli anahtarıyla şu başlıkta imzalanır (belgelere bakın):", "Вебхук — это адрес, который Newsline вызывает, когда публичный материал опубликован, обновлён, снят или исправлен. Каждый вызов подписан секретом вебхука в этом заголовке (см. документацию):"],
    webhook_added => ["Webhook for {x} added. Copy its signing secret now: it is shown only this once.", "{x} üçün vebhuk əlavə edildi. İmza açarını indi köçürün: o yalnız bu dəfə göstərilir.", "{x} için web kancası eklendi. İmza anahtarını şimdi kopyalayın: yalnızca bu kez gösterilir.", "Вебхук для {x} добавлен. Скопируйте секрет подписи сейчас: он показывается только один раз."],
    new_webhook => ["New webhook", "Yeni vebhuk", "Yeni web kancası", "Новый вебхук"],
    webhook_address => ["Address (http:// or https://)", "Ünvan (http:// və ya https://)", "Adres (http:// ya da https://)", "Адрес (http:// или https://)"],
    add_webhook => ["Add webhook", "Vebhuk əlavə et", "Web kancası ekle", "Добавить вебхук"],
    registered_webhooks => ["Registered webhooks", "Qeydə alınmış vebhuklar", "Kayıtlı web kancaları", "Зарегистрированные вебхуки"],
    no_webhooks_yet => ["No webhooks yet.", "Hələ vebhuk yoxdur.", "Henüz web kancası yok.", "Вебхуков пока нет."],
    event_published => ["published", "dərc olundu", "yayımlandı", "опубликован"],
    event_updated => ["updated", "yeniləndi", "güncellendi", "обновлён"],
    event_withdrawn => ["withdrawn", "geri çəkildi", "yayından kaldırıldı", "снят"],
    event_corrected => ["corrected", "düzəliş edildi", "düzeltildi", "исправлен"],
    delivery_pending => ["pending", "gözləyir", "bekliyor", "ожидает"],
    delivery_delivered => ["delivered", "çatdırıldı", "iletildi", "доставлено"],
    delivery_failed => ["failed", "alınmadı", "başarısız", "не удалось"],
    pause => ["Pause", "Dayandır", "Duraklat", "Приостановить"],
    resume => ["Resume", "Davam etdir", "Sürdür", "Возобновить"],
    remove => ["Remove", "Sil", "Kaldır", "Удалить"],
    // Refusals told under an error's heading.
    refused_role => ["Your role does not allow this.", "Rolunuz buna icazə vermir.", "Rolünüz buna izin vermiyor.", "Ваша роль этого не позволяет."],
    refused_role_item => ["Your role does not allow this on this item.", "Rolunuz bu materialda buna icazə vermir.", "Rolünüz bu haberde buna izin vermiyor.", "Ваша роль не позволяет этого с этим материалом."],
    refused_uploads => ["Your role does not allow uploads.", "Rolunuz yükləməyə icazə vermir.", "Rolünüz yüklemeye izin vermiyor.", "Ваша роль не позволяет загружать файлы."],
    refused_read_only => ["This item can be read but not changed from your account.", "Bu materialı hesabınızdan oxumaq olar, dəyişmək olmaz.", "Bu haber hesabınızdan okunabilir ama değiştirilemez.", "Из вашей учётной записи этот материал можно читать, но не менять."],
    refused_csrf => ["This form has expired or did not come from the newsroom; reload the page and try again.", "Bu formanın vaxtı keçib və ya o redaksiyadan gəlməyib; səhifəni yeniləyib yenidən cəhd edin.", "Bu formun süresi doldu ya da haber merkezinden gelmedi; sayfayı yenileyip yeniden deneyin.", "Срок действия формы истёк, или она пришла не из редакции; обновите страницу и попробуйте снова."],
    refused_login_form => ["The sign-in form expired; reload the page and try again.", "Giriş formasının vaxtı keçib; səhifəni yeniləyib yenidən cəhd edin.", "Giriş formunun süresi doldu; sayfayı yenileyip yeniden deneyin.", "Срок действия формы входа истёк; обновите страницу и попробуйте снова."],
    refused_version => ["The form has no valid version.", "Formada düzgün versiya yoxdur.", "Formda geçerli bir sürüm yok.", "В форме нет корректной версии."],
    refused_revision => ["The form names no revision.", "Formada versiya göstərilməyib.", "Form bir sürüm belirtmiyor.", "В форме не указана версия."],
    refused_compare => ["Choose two versions to compare.", "Müqayisə üçün iki versiya seçin.", "Karşılaştırmak için iki sürüm seçin.", "Выберите две версии для сравнения."],
    refused_step => ["That is not something the editor can do.", "Redaktor bunu edə bilməz.", "Düzenleyici bunu yapamaz.", "Редактор такого не умеет."],
    refused_upload_form => ["The upload is not a well-formed form.", "Yükləmə düzgün forma deyil.", "Yükleme düzgün bir form değil.", "Загрузка пришла в неправильной форме."],
    refused_workers_busy => ["Every image worker is busy; try the upload again in a moment.", "Bütün şəkil emalçıları məşğuldur; bir azdan yenidən yükləyin.", "Tüm görsel işleyicileri meşgul; biraz sonra yeniden yükleyin.", "Все обработчики изображений заняты; повторите загрузку чуть позже."],
    refused_pause_or_resume => ["Say whether to pause or resume.", "Dayandırmaq və ya davam etdirmək lazım olduğunu bildirin.", "Duraklatmak mı sürdürmek mi, belirtin.", "Укажите, приостановить или возобновить."],
    refused_language => ["Choose one of the newsroom's languages.", "Redaksiyanın dillərindən birini seçin.", "Haber merkezinin dillerinden birini seçin.", "Выберите один из языков редакции."],
    choose_image => ["Choose an image file to upload.", "Yükləmək üçün şəkil faylı seçin.", "Yüklemek için bir görsel dosyası seçin.", "Выберите файл изображения для загрузки."],
    file_too_large => ["The file is larger than the {x} MB uploads may be.", "Fayl yükləmələrin ola biləcəyi {x} MB-dan böyükdür.", "Dosya, yüklemelerin olabileceği {x} MB'tan büyük.", "Файл больше допустимых для загрузки {x} МБ."],
    // The editor's refusals next to its fields.
    field_headline_empty => ["The headline is empty.", "Başlıq boşdur.", "Başlık boş.", "Заголовок пуст."],
    field_control_character => ["The headline contains a control character.", "Başlıqda idarəedici simvol var.", "Başlıkta bir denetim karakteri var.", "В заголовке есть управляющий символ."],
    field_missing_author => ["An article needs at least one author.", "Məqalənin ən azı bir müəllifi olmalıdır.", "Bir makalenin en az bir yazarı olmalı.", "У статьи должен быть хотя бы один автор."],
    field_choose_edition => ["Choose an edition.", "Buraxılış seçin.", "Bir baskı seçin.", "Выберите выпуск."],
    field_choose_kind => ["Choose article or brief.", "Məqalə və ya qısa xəbər seçin.", "Makale ya da kısa haber seçin.", "Выберите статью или короткую новость."],
    field_choose_section => ["Choose a section of this edition.", "Bu buraxılışın bölməsini seçin.", "Bu baskının bir bölümünü seçin.", "Выберите раздел этого выпуска."],
    field_related => ["Give the id of an item of the same edition.", "Eyni buraxılışdan materialın id-sini yazın.", "Aynı baskıdan bir haberin kimliğini yazın.", "Укажите номер материала того же выпуска."],
    field_choose_image => ["Choose an uploaded image.", "Yüklənmiş şəkil seçin.", "Yüklenmiş bir görsel seçin.", "Выберите загруженное изображение."],
    field_time => ["Use a date and time such as 2025-05-21 16:29.", "2025-05-21 16:29 kimi tarix və vaxt yazın.", "2025-05-21 16:29 gibi bir tarih ve saat yazın.", "Укажите дату и время, например 2025-05-21 16:29."],
    field_publish_time => ["Give the time to publish at.", "Dərc vaxtını göstərin.", "Yayın zamanını belirtin.", "Укажите время публикации."],
    field_embargoed => ["It is embargoed until {x}; it cannot be published before then.", "{x} tarixinədək embarqo altındadır; o vaxtadək dərc oluna bilməz.", "{x} tarihine kadar ambargolu; o zamana kadar yayımlanamaz.", "Под эмбарго до {x}; до этого его нельзя опубликовать."],
    field_withdraw_after => ["The withdrawal time must come after the publication time.", "Geri çəkilmə vaxtı dərc vaxtından sonra olmalıdır.", "Yayından kaldırma zamanı yayın zamanından sonra olmalıdır.", "Время снятия должно быть позже времени публикации."],
    // The newsroom's refusals on its other forms.
    wrong_password => ["The current password is not right.", "Hazırkı şifrə düzgün deyil.", "Mevcut parola doğru değil.", "Текущий пароль неверен."],
    weak_password => ["A password needs at least 10 characters (and at most 1024 bytes).", "Şifrə ən azı 10 simvoldan (və ən çoxu 1024 baytdan) ibarət olmalıdır.", "Parola en az 10 karakter (ve en fazla 1024 bayt) olmalı.", "Пароль должен быть не короче 10 символов (и не длиннее 1024 байт)."],
    missing_alt => ["Describe the image in the alt text: readers who cannot see it rely on it.", "Şəkli alternativ mətndə təsvir edin: onu görə bilməyən oxucular buna güvənir.", "Görseli alternatif metinde anlatın: göremeyen okurlar buna güvenir.", "Опишите изображение в альтернативном тексте: на него полагаются читатели, которые его не видят."],
    two_factor_already_on => ["Two-factor sign-in is already on.", "İkiaddımlı giriş artıq aktivdir.", "İki adımlı giriş zaten açık.", "Двухфакторный вход уже включён."],
    two_factor_start_again => ["Start the set-up again.", "Qurmağa yenidən başlayın.", "Kurulumu baştan başlatın.", "Начните настройку заново."],
    two_factor_wrong_code => ["That code is not right.", "Bu kod düzgün deyil.", "Bu kod doğru değil.", "Этот код неверен."],
    two_factor_required_role => ["Your role signs in with a code; it cannot be turned off.", "Rolunuz kodla daxil olur; bunu söndürmək olmaz.", "Rolünüz kodla giriş yapar; bu kapatılamaz.", "Ваша роль входит с кодом; это нельзя выключить."],
    token_bad_name => ["Give the token a name of 1 to 80 characters.", "Açara 1-dən 80-ə qədər simvolluq ad verin.", "Anahtara 1 ile 80 karakter arası bir ad verin.", "Дайте токену название длиной от 1 до 80 символов."],
    token_no_scope => ["Choose at least one scope: read, write.", "Ən azı bir icazə sahəsi seçin: read, write.", "En az bir kapsam seçin: read, write.", "Выберите хотя бы одно право: read, write."],
    token_bad_lifetime => ["A token lives from 1 to 365 days.", "Açar 1-dən 365 günə qədər qüvvədə olur.", "Bir anahtar 1 ile 365 gün arası geçerlidir.", "Токен действует от 1 до 365 дней."],
    webhook_no_events => ["Choose at least one event.", "Ən azı bir hadisə seçin.", "En az bir olay seçin.", "Выберите хотя бы одно событие."],
    webhook_no_address => ["Give the address deliveries go to.", "Göndərişlərin gedəcəyi ünvanı yazın.", "Gönderimlerin gideceği adresi yazın.", "Укажите адрес, на который идут доставки."],
    webhook_too_long => ["The address is too long (2000 characters at most).", "Ünvan çox uzundur (ən çoxu 2000 simvol).", "Adres çok uzun (en fazla 2000 karakter).", "Адрес слишком длинный (не больше 2000 символов)."],
    webhook_whole_address => ["Give a whole address, such as https://example.com/hooks.", "Tam ünvan yazın, məsələn https://example.com/hooks.", "Tam bir adres yazın, örneğin https://example.com/hooks.", "Укажите полный адрес, например https://example.com/hooks."],
    webhook_scheme => ["The address must start with http:// or https://.", "Ünvan http:// və ya https:// ilə başlamalıdır.", "Adres http:// ya da https:// ile başlamalı.", "Адрес должен начинаться с http:// или https://."],
    webhook_host => ["The address must name a host.", "Ünvanda host göstərilməlidir.", "Adres bir sunucu adı içermeli.", "В адресе должен быть указан хост."],
    webhook_credentials => ["Leave the user name and password out of the address: receivers check the signature instead.", "İstifadəçi adı və şifrəni ünvana yazmayın: qəbul edənlər bunun əvəzinə imzanı yoxlayır.", "Kullanıcı adını ve parolayı adrese yazmayın: alıcılar bunun yerine imzayı denetler.", "Не указывайте в адресе имя пользователя и пароль: получатели проверяют подпись."],
    webhook_fragment => ["Leave the #fragment out of the address.", "#fragmenti ünvana yazmayın.", "#parçayı adrese yazmayın.", "Не указывайте #фрагмент в адресе."],
    login_refused => ["That name and password do not match an active account.", "Bu ad və şifrə aktiv hesaba uyğun gəlmir.", "Bu ad ve parola etkin bir hesapla eşleşmiyor.", "Это имя и пароль не подходят ни к одной действующей учётной записи."],
    login_too_many => ["Too many failed sign-ins; wait a few minutes and try again.", "Həddindən çox uğursuz giriş; bir neçə dəqiqə gözləyib yenidən cəhd edin.", "Çok fazla başarısız giriş; birkaç dakika bekleyip yeniden deneyin.", "Слишком много неудачных входов; подождите несколько минут и попробуйте снова."],
    login_busy => ["The newsroom is busy signing others in; try again in a moment.", "Redaksiya digərlərini daxil etməklə məşğuldur; bir azdan yenidən cəhd edin.", "Haber merkezi başkalarının girişiyle meşgul; biraz sonra yeniden deneyin.", "Редакция занята входом других; попробуйте чуть позже."],
    login_wrong_code => ["That code is not right, or was used already.", "Bu kod düzgün deyil və ya artıq istifadə olunub.", "Bu kod doğru değil ya da zaten kullanıldı.", "Этот код неверен или уже использован."],
    login_expired => ["This sign-in took too long; start again with your password.", "Bu giriş çox uzun çəkdi; şifrənizlə yenidən başlayın.", "Bu giriş çok uzun sürdü; parolanızla baştan başlayın.", "Вход занял слишком много времени; начните заново с пароля."],
    passwords_differ => ["The two new passwords differ.", "İki yeni şifrə fərqlidir.", "İki yeni parola birbirinden farklı.", "Два новых пароля не совпадают."],
    // The front page.
    front_page_of => ["Front page of {x}", "Ana səhifə: {x}", "Ana sayfa: {x}", "Главная страница: {x}"],
    see_public_home => ["See the public home page", "Oxucuların gördüyü ana səhifəyə bax", "Okurların gördüğü ana sayfaya bak", "Открыть главную страницу, как её видят читатели"],
    choose_edition_to_arrange => ["Choose the edition whose home page to arrange.", "Ana səhifəsini düzəcəyiniz buraxılışı seçin.", "Ana sayfasını düzenleyeceğiniz baskıyı seçin.", "Выберите выпуск, главную страницу которого нужно расставить."],
    live_now => ["Live now", "Hazırda saytda", "Şu an yayında", "Сейчас на сайте"],
    version_live_since => ["Version {x}, live since {y}", "Versiya {x}, {y} tarixindən saytda", "Sürüm {x}, {y} tarihinden beri yayında", "Версия {x}, на сайте с {y}"],
    version_goes_live_at => ["Version {x} goes live at {y}", "Versiya {x} saytda {y} tarixində çıxır", "Sürüm {x}, {y} tarihinde yayına girer", "Версия {x} выходит на сайт {y}"],
    saved_by_x => ["saved by {x}", "saxlayan: {x}", "kaydeden: {x}", "сохранено пользователем {x}"],
    nothing_arranged => ["Nothing is arranged: the home page shows the lead stories, then the latest of each section.", "Heç nə düzülməyib: ana səhifə əsas xəbərləri, sonra hər bölmənin son materiallarını göstərir.", "Hiçbir düzen yok: ana sayfa manşetleri, ardından her bölümün en yeni haberlerini gösterir.", "Ничего не расставлено: на главной странице идут главные новости, затем последние материалы каждого раздела."],
    preview_version => ["Preview version {x}", "Versiya {x} önizləməsi", "Sürüm {x} önizlemesi", "Предпросмотр версии {x}"],
    arrange => ["Arrange", "Düzülüş", "Düzenle", "Расстановка"],
    lead_legend => ["Lead story, shown first with its image", "Əsas xəbər, şəkli ilə birinci göstərilir", "Manşet, görseliyle en başta gösterilir", "Главная новость, показывается первой, с изображением"],
    top_legend => ["Top stories, in this order", "Önə çıxan xəbərlər, bu ardıcıllıqla", "Öne çıkan haberler, bu sırayla", "Важные новости, в этом порядке"],
    position_n => ["Position {x}", "Yer {x}", "Sıra {x}", "Позиция {x}"],
    blocks_legend => ["Section blocks: the latest items of a section", "Bölmə blokları: bölmənin son materialları", "Bölüm blokları: bir bölümün en yeni haberleri", "Блоки разделов: последние материалы раздела"],
    block_n => ["Block {x}", "Blok {x}", "Blok {x}", "Блок {x}"],
    block_items => ["items", "material", "haber", "материалов"],
    when_it_goes_live => ["When it goes live", "Saytda nə vaxt çıxır", "Ne zaman yayına girer", "Когда выходит на сайт"],
    go_live_time => ["Go-live time for Schedule (site time)", "Planlaşdırma üçün saytda çıxma vaxtı (saytın vaxtı ilə)", "Zamanlama için yayına giriş saati (site saati)", "Время выхода для «Запланировать» (по времени сайта)"],
    save_live_now => ["Save (live now)", "Saxla (dərhal saytda)", "Kaydet (hemen yayında)", "Сохранить (сразу на сайт)"],
    no_arrangement_yet => ["No arrangement has been saved yet.", "Hələ heç bir düzülüş saxlanmayıb.", "Henüz bir düzen kaydedilmedi.", "Расстановка ещё не сохранялась."],
    live_at => ["Live at", "Saytda çıxma vaxtı", "Yayına giriş", "Выход на сайт"],
    saved_by => ["Saved by", "Saxlayan", "Kaydeden", "Кто сохранил"],
    saved_at_heading => ["Saved at", "Saxlanma vaxtı", "Kayıt zamanı", "Когда сохранено"],
    arrangement => ["Arrangement", "Düzülüş", "Düzen", "Расстановка"],
    version_n => ["Version {x}", "Versiya {x}", "Sürüm {x}", "Версия {x}"],
    front_live => ["live", "saytda", "yayında", "на сайте"],
    front_replaced => ["replaced", "əvəzlənib", "değiştirildi", "заменена"],
    front_scheduled => ["scheduled", "planlaşdırılıb", "zamanlandı", "запланирована"],
    scheduled_choice => ["{x} (scheduled)", "{x} (planlaşdırılıb)", "{x} (zamanlandı)", "{x} (запланирован)"],
    summary_lead => ["lead: {x}", "əsas xəbər: {x}", "manşet: {x}", "главная: {x}"],
    summary_sections => ["sections: {x}", "bölmələr: {x}", "bölümler: {x}", "разделы: {x}"],
    item_n => ["item {x}", "material {x}", "haber {x}", "материал {x}"],
    // The front page's refusals, shown as clauses (see `clause`).
    arrangement_empty => ["Choose a lead story, a top story or a section block.", "Əsas xəbər, önə çıxan xəbər və ya bölmə bloku seçin.", "Bir manşet, öne çıkan bir haber ya da bir bölüm bloğu seçin.", "Выберите главную новость, важную новость или блок раздела."],
    arrangement_too_many_top => ["At most {x} top stories.", "Ən çoxu {x} önə çıxan xəbər.", "En fazla {x} öne çıkan haber.", "Не больше {x} важных новостей."],
    arrangement_too_many_blocks => ["At most {x} section blocks.", "Ən çoxu {x} bölmə bloku.", "En fazla {x} bölüm bloğu.", "Не больше {x} блоков разделов."],
    arrangement_block_size => ["A section block shows 1 to {x} items, not {y}.", "Bölmə bloku {y} deyil, 1-dən {x}-ə qədər material göstərir.", "Bir bölüm bloğu {y} değil, 1 ile {x} arası haber gösterir.", "Блок раздела показывает от 1 до {x} материалов, а не {y}."],
    arrangement_duplicate_item => ["Item {x} is chosen twice.", "Material {x} iki dəfə seçilib.", "Haber {x} iki kez seçildi.", "Материал {x} выбран дважды."],
    arrangement_duplicate_section => ["A section is chosen for two blocks.", "Bir bölmə iki blok üçün seçilib.", "Bir bölüm iki blok için seçildi.", "Один раздел выбран для двух блоков."],
    arrangement_unknown_item => ["There is no item {x} in this edition.", "Bu buraxılışda material {x} yoxdur.", "Bu baskıda haber {x} yok.", "В этом выпуске нет материала {x}."],
    arrangement_unknown_section => ["There is no section {x} in this edition.", "Bu buraxılışda bölmə {x} yoxdur.", "Bu baskıda bölüm {x} yok.", "В этом выпуске нет раздела {x}."],
    arrangement_not_published => ["Item {x} is not published; schedule the arrangement for after it goes live.", "Material {x} dərc olunmayıb; düzülüşü onun dərcindən sonraya planlaşdırın.", "Haber {x} yayımlanmadı; düzeni, haber yayına girdikten sonrasına zamanlayın.", "Материал {x} не опубликован; запланируйте расстановку на время после его выхода."],
    arrangement_time_not_ahead => ["A scheduled arrangement needs a go-live time in the future.", "Planlaşdırılan düzülüş üçün gələcəkdə bir vaxt lazımdır.", "Zamanlanan bir düzen için gelecekte bir yayına giriş saati gerekir.", "Для запланированной расстановки нужно время выхода в будущем."],
    arrangement_conflict => ["Someone else saved this front page meanwhile (it is at version {x} now); reload it and arrange again.", "Bu arada ana səhifəni başqası saxlayıb (indi versiya {x}); səhifəni yeniləyib yenidən düzün.", "Bu arada ana sayfayı başka biri kaydetti (şimdi sürüm {x}); sayfayı yenileyip yeniden düzenleyin.", "Тем временем главную страницу сохранил кто-то другой (теперь версия {x}); обновите её и расставьте заново."],
    arrangement_bad_time => ["'{x}' is not a time in the form HH:MM DD.MM.YYYY.", "'{x}' SS:DD GG.AA.İİİİ şəklində vaxt deyil.", "'{x}', SS:DD GG.AA.YYYY biçiminde bir saat değil.", "«{x}» — не время в виде ЧЧ:ММ ДД.ММ.ГГГГ."],
    arrangement_no_version => ["The form's version is missing.", "Formanın versiyası yoxdur.", "Formun sürümü eksik.", "В форме нет версии."],
    arrangement_choose_button => ["Choose Preview, Save (live now) or Schedule.", "Önizləmə, Saxla (dərhal saytda) və ya Planlaşdır seçin.", "Önizleme, Kaydet (hemen yayında) ya da Zamanla seçin.", "Выберите «Предпросмотр», «Сохранить (сразу на сайт)» или «Запланировать»."],
    arrangement_block_fields => ["Each section block needs a section and a number of items.", "Hər bölmə blokuna bölmə və materialların sayı lazımdır.", "Her bölüm bloğu için bir bölüm ve haber sayısı gerekir.", "Каждому блоку раздела нужны раздел и число материалов."],
    arrangement_give_time => ["Give the time the arrangement goes live.", "Düzülüşün saytda çıxacağı vaxtı yazın.", "Düzenin yayına gireceği saati yazın.", "Укажите время, когда расстановка выйдет на сайт."],
    arrangement_not_number => ["{x} must be a whole number, not '{y}'.", "{x} tam ədəd olmalıdır, '{y}' yox.", "{x} bir tam sayı olmalı, '{y}' değil.", "{x}: нужно целое число, а не «{y}»."],
    field_version => ["version", "versiya", "sürüm", "версия"],
    field_lead_story => ["the lead story", "əsas xəbər", "manşet", "главная новость"],
    field_top_story => ["a top story", "önə çıxan xəbər", "öne çıkan haber", "важная новость"],
    field_block_section => ["a block's section", "blokun bölməsi", "bloğun bölümü", "раздел блока"],
    field_block_count => ["a block's number of items", "blokdakı materialların sayı", "bloktaki haber sayısı", "число материалов блока"],
    // The wire.
    wire_waiting => ["Agency copy waiting for the desk, newest first: {x}.", "Redaksiyanı gözləyən agentlik materialları, ən yenisi birinci: {x}.", "Masayı bekleyen ajans haberleri, en yenisi önce: {x}.", "Материалы агентств, ждущие редакцию, сначала новые: {x}."],
    wire_not_published => ["Nothing here is published until someone takes it as a draft and it goes through the desk.", "Kimsə materialı qaralama kimi götürüb redaksiyadan keçirməyənədək buradan heç nə dərc olunmur.", "Biri taslak olarak alıp masadan geçirene kadar buradaki hiçbir şey yayımlanmaz.", "Отсюда ничего не публикуется, пока кто-то не возьмёт материал в черновик и он не пройдёт через редакцию."],
    nothing_waiting => ["Nothing waiting.", "Gözləyən heç nə yoxdur.", "Bekleyen bir şey yok.", "Ничего не ждёт."],
    original => ["original", "orijinal", "özgün metin", "оригинал"],
    take_as_draft => ["Take as draft", "Qaralama kimi götür", "Taslak olarak al", "Взять в черновик"],
    dismiss => ["Dismiss", "Rədd et", "Reddet", "Отклонить"],
    newer => ["Newer", "Daha yeni", "Daha yeni", "Новее"],
    older => ["Older", "Daha köhnə", "Daha eski", "Старее"],
    page_of => ["Page {x} / {y}", "Səhifə {x} / {y}", "Sayfa {x} / {y}", "Страница {x} / {y}"],
    not_a_page_number => ["'{x}' is not a page number", "'{x}' səhifə nömrəsi deyil", "'{x}' bir sayfa numarası değil", "«{x}» — не номер страницы"],
    // The wire's feeds.
    feeds_intro_before => ["Agency feeds (RSS 2.0 or Atom) polled into the", "Agentlik lentləri (RSS 2.0 və ya Atom) müntəzəm yoxlanılır, materialları", "Ajans beslemeleri (RSS 2.0 ya da Atom) düzenli yoklanır, haberleri", "Ленты агентств (RSS 2.0 или Atom), которые регулярно опрашиваются; их материалы попадают в"],
    wire_queue => ["wire queue", "lent növbəsinə", "ajans akışı kuyruğuna", "очередь лент"],
    feeds_intro_after => [". A feed that fails is tried again after a wait that doubles each time, up to six hours; its last error shows here. Feeds declared in the site config are marked so: the config keeps them in step at start-up.", " düşür. Alınmayan lent gözləmədən sonra yenidən yoxlanılır, gözləmə hər dəfə iki qat artır, altı saatadək; son xətası burada görünür. Saytın konfiqurasiyasında elan edilən lentlər belə işarələnib: konfiqurasiya onları işə salınanda uyğunlaşdırır.", " düşer. Başarısız olan bir besleme, her seferinde iki katına çıkan, en fazla altı saatlik bir beklemeden sonra yeniden denenir; son hatası burada görünür. Site yapılandırmasında tanımlanan beslemeler böyle işaretlenir: yapılandırma onları açılışta eşitler.", ". Если опрос не удался, он повторяется после паузы, которая каждый раз удваивается, до шести часов; последняя ошибка видна здесь. Ленты из конфигурации сайта отмечены: конфигурация приводит их в соответствие при запуске."],
    new_feed => ["New feed", "Yeni lent", "Yeni besleme", "Новая лента"],
    source_name => ["Source name (credited on drafts)", "Mənbənin adı (qaralamalarda göstərilir)", "Kaynak adı (taslaklarda belirtilir)", "Название источника (указывается в черновиках)"],
    poll_every => ["Poll every (minutes, 1 to 1440)", "Yoxlama aralığı (dəqiqə, 1-dən 1440-a qədər)", "Yoklama aralığı (dakika, 1 ile 1440 arası)", "Опрашивать каждые (минут, от 1 до 1440)"],
    add_feed => ["Add feed", "Lent əlavə et", "Besleme ekle", "Добавить ленту"],
    feeds => ["Feeds", "Lentlər", "Beslemeler", "Ленты"],
    no_feeds_yet => ["No feeds yet.", "Hələ lent yoxdur.", "Henüz besleme yok.", "Лент пока нет."],
    source => ["Source", "Mənbə", "Kaynak", "Источник"],
    every => ["Every", "Aralıq", "Aralık", "Интервал"],
    next_poll => ["Next poll", "Növbəti yoxlama", "Sonraki yoklama", "Следующий опрос"],
    last_success => ["Last success", "Son uğurlu yoxlama", "Son başarılı yoklama", "Последний успешный опрос"],
    last_error => ["Last error", "Son xəta", "Son hata", "Последняя ошибка"],
    from_config => ["(config)", "(konfiqurasiya)", "(yapılandırma)", "(конфигурация)"],
    minutes_n => ["{x} min", "{x} dəq", "{x} dk", "{x} мин"],
    feed_polled => ["polled", "yoxlanılır", "yoklanıyor", "опрашивается"],
    feed_paused => ["paused", "dayandırılıb", "duraklatıldı", "приостановлена"],
    // A feed's refusals, shown as the field, then why as a clause.
    field_address => ["address: {x}", "ünvan: {x}", "adres: {x}", "адрес: {x}"],
    field_interval => ["interval: {x}", "aralıq: {x}", "aralık: {x}", "интервал: {x}"],
    field_edition => ["edition: {x}", "buraxılış: {x}", "baskı: {x}", "выпуск: {x}"],
    feed_no_address => ["Give the feed's address.", "Lentin ünvanını yazın.", "Beslemenin adresini yazın.", "Укажите адрес ленты."],
    feed_whole_address => ["Give a whole address, such as https://agency.example/feed.xml.", "Tam ünvan yazın, məsələn https://agency.example/feed.xml.", "Tam bir adres yazın, örneğin https://agency.example/feed.xml.", "Укажите полный адрес, например https://agency.example/feed.xml."],
    feed_credentials => ["Leave the user name and password out of the address.", "İstifadəçi adı və şifrəni ünvana yazmayın.", "Kullanıcı adını ve parolayı adrese yazmayın.", "Не указывайте в адресе имя пользователя и пароль."],
    // The name's refusals name their field in the same row, since a lone "name" would
    // stand for every person's name on a page.
    feed_no_name => ["Name: give the source's name.", "Ad: mənbənin adını yazın.", "Ad: kaynağın adını yazın.", "Название: укажите название источника."],
    feed_name_too_long => ["Name: the name is too long (80 characters at most).", "Ad: ad çox uzundur (ən çoxu 80 simvol).", "Ad: ad çok uzun (en fazla 80 karakter).", "Название: название слишком длинное (не больше 80 символов)."],
    feed_name_control => ["Name: the name has a control character.", "Ad: adda idarəedici simvol var.", "Ad: adda bir denetim karakteri var.", "Название: в названии есть управляющий символ."],
    feed_interval => ["Give whole minutes from 1 to 1440.", "1-dən 1440-a qədər tam dəqiqə yazın.", "1 ile 1440 arası tam dakika yazın.", "Укажите целое число минут от 1 до 1440."],
    feed_taken => ["Name: there is a feed called '{x}' already.", "Ad: '{x}' adlı lent artıq var.", "Ad: '{x}' adlı bir besleme zaten var.", "Название: лента «{x}» уже есть."],
    section_taken => ["The section address (slug) '{x}' is taken.", "Bölmə ünvanı (slug) '{x}' artıq tutulub.", "Bölüm adresi (slug) '{x}' zaten kullanılıyor.", "Адрес раздела (slug) «{x}» уже занят."],
    edition_taken => ["The edition code '{x}' is taken.", "'{x}' buraxılış kodu artıq tutulub.", "'{x}' baskı kodu zaten kullanılıyor.", "Код выпуска «{x}» уже занят."],
    unknown_edition => ["There is no edition '{x}'.", "'{x}' buraxılışı yoxdur.", "'{x}' baskısı yok.", "Выпуска «{x}» нет."],
}
counts {
    recovery_codes_left => ["{n} recovery code is left.", "{n} recovery codes are left.";
        "{n} bərpa kodu qalıb.";
        "{n} kurtarma kodu kaldı.";
        "Остался {n} код восстановления.", "Осталось {n} кода восстановления.", "Осталось {n} кодов восстановления."],
    items => ["{n} item", "{n} items";
        "{n} material";
        "{n} haber";
        "{n} материал", "{n} материала", "{n} материалов"],
    top_stories => ["{n} top story", "{n} top stories";
        "{n} önə çıxan xəbər";
        "{n} öne çıkan haber";
        "{n} важная новость", "{n} важные новости", "{n} важных новостей"],
    wire_stories => ["{n} story", "{n} stories";
        "{n} xəbər";
        "{n} haber";
        "{n} материал", "{n} материала", "{n} материалов"],
    in_a_row => ["{n} in a row", "{n} in a row";
        "ardıcıl {n} dəfə";
        "üst üste {n} kez";
        "{n} раз подряд", "{n} раза подряд", "{n} раз подряд"],
}
}

/// Fields whose text is rightly the same as English in a language.
const SAME_AS_ENGLISH: &[(&str, &str)] = &[
    // "Id" and "Status" are Azerbaijani words too.
    ("az", "id"),
    ("az", "status"),
    ("az", "status_line"),
];

/// Whether a translation equal to the English text is known to be right.
pub fn same_as_english_allowed(lang: &str, path: &str) -> bool {
    SAME_AS_ENGLISH
        .iter()
        .any(|(l, p)| *l == lang && *p == path)
}

/// Every catalogue, English first.
pub const ALL: [&NewsroomWords; 4] = [&EN, &AZ, &TR, &RU];

/// The newsroom's words in `lang`; English for a language it does not speak.
pub fn for_language(lang: &str) -> &'static NewsroomWords {
    match lang {
        "az" => &AZ,
        "tr" => &TR,
        "ru" => &RU,
        _ => &EN,
    }
}

/// The language code the newsroom speaks for `code`, or `None` when it does not speak it.
pub fn supported(code: &str) -> Option<&'static str> {
    LANGUAGES.iter().copied().find(|l| *l == code)
}

/// The first language of an `Accept-Language` header that the newsroom speaks,
/// preferring higher `q` values.
pub fn from_accept_language(header: &str) -> Option<&'static str> {
    let mut best: Option<(f32, &'static str)> = None;
    for part in header.split(',') {
        let mut pieces = part.split(';');
        let tag = pieces
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase();
        let q = pieces
            .find_map(|p| p.trim().strip_prefix("q=").map(str::to_owned))
            .and_then(|q| q.parse::<f32>().ok())
            .unwrap_or(1.0);
        let primary = tag.split('-').next().unwrap_or_default();
        if let Some(lang) = supported(primary)
            && q > 0.0
            && best.is_none_or(|(b, _)| q > b)
        {
            best = Some((q, lang));
        }
    }
    best.map(|(_, lang)| lang)
}

impl NewsroomWords {
    /// `text` with `{x}` replaced by `value`.
    pub fn fill(&self, text: &str, value: impl std::fmt::Display) -> String {
        text.replace("{x}", &value.to_string())
    }

    /// `text` with `{x}` and `{y}` replaced.
    pub fn fill2(
        &self,
        text: &str,
        x: impl std::fmt::Display,
        y: impl std::fmt::Display,
    ) -> String {
        text.replace("{x}", &x.to_string())
            .replace("{y}", &y.to_string())
    }

    /// `phrase` for the count `n`, in this language's plural form for it.
    pub fn count(&self, phrase: &Count, n: usize) -> String {
        plural(self.lang, phrase, n)
    }

    /// `phrase` for a count the store keeps as a signed number (never below zero).
    pub fn count_stored(&self, phrase: &Count, n: &i64) -> String {
        plural(self.lang, phrase, usize::try_from(*n).unwrap_or(0))
    }

    /// What an audit entry about an item says happened, in this language; an action
    /// the catalogue does not know is shown as stored.
    pub fn item_event<'a>(&self, action: &'a str) -> &'a str {
        match action {
            "created" => self.event_created,
            "saved" => self.event_saved,
            "submitted for review" => self.event_submitted,
            "returned to draft" => self.event_returned,
            "published" => self.event_published,
            "published on schedule" => self.event_published_on_schedule,
            "scheduled" => self.event_scheduled,
            "corrected" => self.event_corrected,
            "restored" => self.event_restored,
            "unpublished" => self.event_item_withdrawn,
            "withdrawn on schedule" => self.event_withdrawn_on_schedule,
            "withdrawal scheduled" => self.event_withdrawal_scheduled,
            "held back" => self.event_held_back,
            other => other,
        }
    }

    /// An item's status as a word.
    pub fn status(&self, status: crate::domain::Status) -> &'static str {
        use crate::domain::Status;
        match status {
            Status::Draft => self.status_draft,
            Status::Review => self.status_review,
            Status::Scheduled => self.status_scheduled,
            Status::Published => self.status_published,
            Status::Unpublished => self.status_withdrawn,
        }
    }

    /// A refusal next to an editor field in this language; one not in the catalogue
    /// (it names a value the person typed) is shown as the rules worded it.
    pub fn field_error<'a>(&self, message: &'a str) -> std::borrow::Cow<'a, str> {
        let known = match message {
            "the headline is empty" => self.field_headline_empty,
            "the headline contains a control character" => self.field_control_character,
            "an article needs at least one author" => self.field_missing_author,
            "choose an edition" => self.field_choose_edition,
            "choose article or brief" => self.field_choose_kind,
            "choose a section of this edition" => self.field_choose_section,
            "give the id of an item of the same edition" => self.field_related,
            "choose an uploaded image" => self.field_choose_image,
            "use a date and time such as 2025-05-21 16:29" => self.field_time,
            "give the time to publish at" => self.field_publish_time,
            crate::newsroom::WITHDRAW_AFTER_PUBLISHING => self.field_withdraw_after,
            crate::newsroom::DESK_NOTE_TOO_LONG => self.desk_note_too_long,
            other => return std::borrow::Cow::Borrowed(other),
        };
        std::borrow::Cow::Borrowed(known)
    }

    /// A use case's refusal shown on a form, in this language where the catalogue has
    /// it; one that names what was typed is shown as the rules worded it.
    pub fn refusal(&self, err: &crate::newsroom::NewsroomError) -> String {
        use crate::domain::DomainError;
        use crate::newsroom::NewsroomError;
        let known = match err {
            NewsroomError::WrongPassword => self.wrong_password,
            NewsroomError::Invalid(DomainError::WeakPassword) => self.weak_password,
            NewsroomError::Invalid(DomainError::EmptyHeadline) => self.field_headline_empty,
            NewsroomError::Invalid(DomainError::MissingAuthor) => self.field_missing_author,
            NewsroomError::MissingAlt => self.missing_alt,
            NewsroomError::BadFocalPoint => self.bad_focal_point,
            NewsroomError::Token(e) => return self.token_refusal(e),
            NewsroomError::Webhook(e) => return self.webhook_refusal(e),
            NewsroomError::Forbidden => self.refused_role,
            NewsroomError::LastAdmin => self.last_admin,
            NewsroomError::Arrangement(e) => return self.arrangement_refusal(e),
            NewsroomError::FrontPageConflict(version) => {
                return clause(&self.fill(self.arrangement_conflict, version));
            }
            NewsroomError::Invalid(DomainError::InvalidTime(typed)) => {
                return clause(&self.fill(self.arrangement_bad_time, typed));
            }
            NewsroomError::Wire(e) => return self.feed_refusal(e),
            NewsroomError::WireFeedTaken(name) => {
                return clause(&self.fill(self.feed_taken, name));
            }
            NewsroomError::UnknownEdition(code) => {
                return clause(&self.fill(self.unknown_edition, code));
            }
            NewsroomError::SectionTaken(slug) => {
                return clause(&self.fill(self.section_taken, slug));
            }
            NewsroomError::EditionTaken(code) => {
                return clause(&self.fill(self.edition_taken, code));
            }
            NewsroomError::TwoFactor(why) => match *why {
                "two-factor sign-in is already on" => self.two_factor_already_on,
                "start the set-up again" => self.two_factor_start_again,
                "that code is not right" => self.two_factor_wrong_code,
                "your role signs in with a code; it cannot be turned off" => {
                    self.two_factor_required_role
                }
                other => return other.to_owned(),
            },
            other => return other.to_string(),
        };
        known.to_owned()
    }

    /// A token request's refusal; a scope that does not exist is quoted as typed.
    pub fn token_refusal(&self, err: &crate::domain::TokenError) -> String {
        use crate::domain::TokenError;
        match err {
            TokenError::BadName => self.token_bad_name.to_owned(),
            TokenError::NoScope => self.token_no_scope.to_owned(),
            TokenError::BadLifetime => self.token_bad_lifetime.to_owned(),
            other => other.to_string(),
        }
    }

    /// A webhook request's refusal.
    pub fn webhook_refusal(&self, err: &crate::domain::WebhookError) -> String {
        use crate::domain::WebhookError;
        match err {
            WebhookError::NoEvents => self.webhook_no_events,
            WebhookError::Url(why) => match *why {
                "give the address deliveries go to" => self.webhook_no_address,
                "the address is too long (2000 characters at most)" => self.webhook_too_long,
                "give a whole address, such as https://example.com/hooks" => {
                    self.webhook_whole_address
                }
                "the address must start with http:// or https://" => self.webhook_scheme,
                "the address must name a host" => self.webhook_host,
                "leave the user name and password out of the address: receivers check the signature instead" => {
                    self.webhook_credentials
                }
                "leave the #fragment out of the address" => self.webhook_fragment,
                other => other,
            },
        }
        .to_owned()
    }

    /// A front-page arrangement's refusal, as a clause the way the rules word it.
    pub fn arrangement_refusal(&self, err: &crate::domain::ArrangementError) -> String {
        use crate::domain::{
            ArrangementError, MAX_BLOCK_ITEMS, MAX_SECTION_BLOCKS, MAX_TOP_STORIES,
        };
        let text = match err {
            ArrangementError::Empty => self.arrangement_empty.to_owned(),
            ArrangementError::TooManyTop => {
                self.fill(self.arrangement_too_many_top, MAX_TOP_STORIES)
            }
            ArrangementError::TooManyBlocks => {
                self.fill(self.arrangement_too_many_blocks, MAX_SECTION_BLOCKS)
            }
            ArrangementError::BlockSize(n) => {
                self.fill2(self.arrangement_block_size, MAX_BLOCK_ITEMS, n)
            }
            ArrangementError::DuplicateItem(id) => self.fill(self.arrangement_duplicate_item, id),
            ArrangementError::DuplicateSection => self.arrangement_duplicate_section.to_owned(),
            ArrangementError::UnknownItem(id) => self.fill(self.arrangement_unknown_item, id),
            ArrangementError::UnknownSection(id) => self.fill(self.arrangement_unknown_section, id),
            ArrangementError::NotPublished(id) => self.fill(self.arrangement_not_published, id),
            ArrangementError::TimeNotAhead => self.arrangement_time_not_ahead.to_owned(),
            // The front-page form words these in the account's language already.
            ArrangementError::Field(text) => return text.clone(),
        };
        clause(&text)
    }

    /// A wire feed's refusal: the field, then why; a reason the catalogue does not
    /// know is shown as the rules worded it.
    pub fn feed_refusal(&self, err: &crate::domain::WireError) -> String {
        use crate::domain::WireError;
        match err {
            WireError::Url(why) => {
                let known = match *why {
                    "give the feed's address" => self.feed_no_address,
                    "the address is too long (2000 characters at most)" => self.webhook_too_long,
                    "give a whole address, such as https://agency.example/feed.xml" => {
                        self.feed_whole_address
                    }
                    "the address must start with http:// or https://" => self.webhook_scheme,
                    "the address must name a host" => self.webhook_host,
                    "leave the user name and password out of the address" => self.feed_credentials,
                    other => return self.fill(self.field_address, other),
                };
                self.fill(self.field_address, clause(known))
            }
            WireError::Name(why) => {
                let known = match *why {
                    "give the source's name" => self.feed_no_name,
                    "the name is too long (80 characters at most)" => self.feed_name_too_long,
                    "the name has a control character" => self.feed_name_control,
                    _ => return err.to_string(),
                };
                clause(known)
            }
            WireError::Interval => self.fill(self.field_interval, clause(self.feed_interval)),
        }
    }

    /// A webhook event as a word; the event's own name stays in forms and payloads.
    pub fn event(&self, event: crate::domain::WebhookEvent) -> &'static str {
        use crate::domain::WebhookEvent;
        match event {
            WebhookEvent::Published => self.event_published,
            WebhookEvent::Updated => self.event_updated,
            WebhookEvent::Withdrawn => self.event_withdrawn,
            WebhookEvent::Corrected => self.event_corrected,
        }
    }

    /// A stored event or delivery state in words; one this build does not know, as stored.
    pub fn delivery_word(&self, stored: &str) -> String {
        match stored {
            "pending" => self.delivery_pending,
            "delivered" => self.delivery_delivered,
            "failed" => self.delivery_failed,
            other => {
                return crate::domain::WebhookEvent::parse(other)
                    .map_or_else(|| other.to_owned(), |e| self.event(e).to_owned());
            }
        }
        .to_owned()
    }

    /// Every word of the catalogue, as (field path, text), for completeness tests.
    pub fn entries(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        if let Ok(value) = serde_json::to_value(self) {
            crate::web::strings::flatten(String::new(), &value, &mut out);
        }
        out
    }
}

/// A catalogue sentence as a clause: its first letter lowercased and its full stop
/// dropped, the way refusals that follow a field's name or stand in a line read.
pub fn clause(text: &str) -> String {
    let text = text.strip_suffix('.').unwrap_or(text);
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |c| {
        // Azerbaijani and Turkish dotted capital I lowers to a plain i, not i and a dot.
        if c == 'İ' {
            std::iter::once('i').chain(chars).collect()
        } else {
            c.to_lowercase().chain(chars).collect()
        }
    })
}

/// A refusal in the newsroom, worded in the account's language when its page is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The role may not do this.
    RoleForbids,
    /// The role may not do this to this item.
    RoleForbidsOnItem,
    /// The role may not upload.
    Uploads,
    /// The item is open for reading only.
    ReadOnly,
    /// The form's CSRF token is not the session's.
    Csrf,
    /// The sign-in form's token expired.
    LoginForm,
    /// The form's version is missing or malformed.
    Version,
    /// The form names no revision to restore.
    Revision,
    /// Two versions are needed to compare.
    Compare,
    /// An editor step that does not exist.
    Step,
    /// A malformed upload.
    UploadForm,
    /// Every image worker is busy.
    WorkersBusy,
    /// A webhook switch that says neither pause nor resume.
    PauseOrResume,
    /// A language the newsroom does not speak.
    Language,
    /// A page number that is not a whole number from 1.
    Page,
    /// A focal point outside the image, or not numbers.
    FocalPoint,
}

impl Refusal {
    /// The refusal in `lang`.
    pub fn text(self, lang: &str) -> String {
        let w = for_language(lang);
        match self {
            Self::RoleForbids => w.refused_role,
            Self::RoleForbidsOnItem => w.refused_role_item,
            Self::Uploads => w.refused_uploads,
            Self::ReadOnly => w.refused_read_only,
            Self::Csrf => w.refused_csrf,
            Self::LoginForm => w.refused_login_form,
            Self::Version => w.refused_version,
            Self::Revision => w.refused_revision,
            Self::Compare => w.refused_compare,
            Self::Step => w.refused_step,
            Self::UploadForm => w.refused_upload_form,
            Self::WorkersBusy => w.refused_workers_busy,
            Self::PauseOrResume => w.refused_pause_or_resume,
            Self::Language => w.refused_language,
            Self::Page => w.refused_page,
            Self::FocalPoint => w.bad_focal_point,
        }
        .to_owned()
    }
}

impl From<Refusal> for crate::web::error::Detail {
    fn from(r: Refusal) -> Self {
        crate::web::error::Problem::Newsroom(r).into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_newsroom_word_is_empty_or_left_in_english() {
        let english: std::collections::HashMap<String, String> = EN.entries().into_iter().collect();
        let mut wrong = Vec::new();
        for words in ALL {
            for (path, text) in words.entries() {
                if text.trim().is_empty() {
                    wrong.push(format!("{}: {path} is empty", words.lang));
                }
                if words.lang != "en"
                    && english.get(&path) == Some(&text)
                    && !same_as_english_allowed(words.lang, &path)
                {
                    wrong.push(format!("{}: {path} is the English {text:?}", words.lang));
                }
            }
        }
        assert!(wrong.is_empty(), "{wrong:#?}");
    }

    #[test]
    fn newsroom_counts_follow_plural_rules() {
        let ru = for_language("ru");
        assert_eq!(ru.count(&ru.items, 1), "1 материал");
        assert_eq!(ru.count(&ru.items, 3), "3 материала");
        assert_eq!(ru.count(&ru.items, 11), "11 материалов");
        assert_eq!(ru.count(&ru.items, 21), "21 материал");
        assert_eq!(
            ru.count(&ru.recovery_codes_left, 5),
            "Осталось 5 кодов восстановления."
        );
        let en = for_language("en");
        assert_eq!(
            en.count(&en.recovery_codes_left, 1),
            "1 recovery code is left."
        );
        assert_eq!(en.count(&en.items, 2), "2 items");
        let az = for_language("az");
        assert_eq!(az.count(&az.items, 2), "2 material");
    }

    #[test]
    fn refusals_on_forms_are_worded_in_the_account_s_language() {
        use crate::newsroom::NewsroomError;
        let ru = for_language("ru");
        assert_eq!(
            ru.refusal(&NewsroomError::WrongPassword),
            "Текущий пароль неверен."
        );
        assert_eq!(
            ru.refusal(&NewsroomError::TwoFactor("that code is not right")),
            "Этот код неверен."
        );
        // One that quotes what was typed stays as the rules worded it.
        assert_eq!(
            ru.refusal(&NewsroomError::Taken("chief".into())),
            "the login name 'chief' is taken"
        );
        assert_eq!(ru.field_error("choose an edition"), "Выберите выпуск.");
        assert_eq!(ru.field_error("something else"), "something else");
    }

    /// The English catalogue's wording of a refusal is the rules' own, capitalized and
    /// ended with a full stop: when the rules' wording changes, this fails, and the
    /// translations are looked at again.
    #[test]
    fn english_refusals_say_what_the_rules_say() {
        use crate::domain::{DomainError, TokenError, WebhookError};
        use crate::newsroom::NewsroomError;
        let en = for_language("en");
        let plain = |text: &str| {
            let mut chars = text.chars();
            chars.next().map_or_else(String::new, |c| {
                c.to_lowercase().chain(chars).collect::<String>()
            })
        };
        for (ours, theirs) in [
            (en.token_bad_name, TokenError::BadName.to_string()),
            (en.token_no_scope, TokenError::NoScope.to_string()),
            (en.token_bad_lifetime, TokenError::BadLifetime.to_string()),
            (en.webhook_no_events, WebhookError::NoEvents.to_string()),
            (en.wrong_password, NewsroomError::WrongPassword.to_string()),
            (en.missing_alt, NewsroomError::MissingAlt.to_string()),
            (en.bad_focal_point, NewsroomError::BadFocalPoint.to_string()),
            (en.weak_password, DomainError::WeakPassword.to_string()),
            (
                en.field_headline_empty,
                DomainError::EmptyHeadline.to_string(),
            ),
            (
                en.field_missing_author,
                DomainError::MissingAuthor.to_string(),
            ),
            (
                en.field_control_character,
                DomainError::ControlCharacter.to_string(),
            ),
        ] {
            assert_eq!(plain(ours), format!("{theirs}."));
        }
        // Every webhook address refusal the catalogue knows is translated.
        for why in [
            "give the address deliveries go to",
            "the address is too long (2000 characters at most)",
            "give a whole address, such as https://example.com/hooks",
            "the address must start with http:// or https://",
            "the address must name a host",
            "leave the user name and password out of the address: receivers check the signature instead",
            "leave the #fragment out of the address",
        ] {
            let ru = for_language("ru").webhook_refusal(&WebhookError::Url(why));
            assert_ne!(ru, why);
            assert_eq!(
                plain(&en.webhook_refusal(&WebhookError::Url(why))),
                format!("{why}.")
            );
        }
    }

    /// The front page's and the wire's refusals read in English exactly as the rules
    /// word them, and in the other languages in their own words.
    #[test]
    fn front_page_and_wire_refusals_say_what_the_rules_say() {
        use crate::domain::{ArrangementError, DomainError, WireError};
        use crate::newsroom::NewsroomError;
        let errors = [
            NewsroomError::Arrangement(ArrangementError::Empty),
            NewsroomError::Arrangement(ArrangementError::TooManyTop),
            NewsroomError::Arrangement(ArrangementError::TooManyBlocks),
            NewsroomError::Arrangement(ArrangementError::BlockSize(99)),
            NewsroomError::Arrangement(ArrangementError::DuplicateItem(7)),
            NewsroomError::Arrangement(ArrangementError::DuplicateSection),
            NewsroomError::Arrangement(ArrangementError::UnknownItem(7)),
            NewsroomError::Arrangement(ArrangementError::UnknownSection(7)),
            NewsroomError::Arrangement(ArrangementError::NotPublished(7)),
            NewsroomError::Arrangement(ArrangementError::TimeNotAhead),
            NewsroomError::FrontPageConflict(4),
            NewsroomError::Invalid(DomainError::InvalidTime("tomorrow".into())),
            NewsroomError::UnknownEdition("xx".into()),
            NewsroomError::WireFeedTaken("Caspian Wire".into()),
            NewsroomError::SectionTaken("sport".into()),
            NewsroomError::EditionTaken("en".into()),
            NewsroomError::Wire(WireError::Interval),
            NewsroomError::Wire(WireError::Url("give the feed's address")),
            NewsroomError::Wire(WireError::Url(
                "the address is too long (2000 characters at most)",
            )),
            NewsroomError::Wire(WireError::Url(
                "give a whole address, such as https://agency.example/feed.xml",
            )),
            NewsroomError::Wire(WireError::Url(
                "the address must start with http:// or https://",
            )),
            NewsroomError::Wire(WireError::Url("the address must name a host")),
            NewsroomError::Wire(WireError::Url(
                "leave the user name and password out of the address",
            )),
            NewsroomError::Wire(WireError::Name("give the source's name")),
            NewsroomError::Wire(WireError::Name(
                "the name is too long (80 characters at most)",
            )),
            NewsroomError::Wire(WireError::Name("the name has a control character")),
        ];
        let en = for_language("en");
        for err in &errors {
            assert_eq!(en.refusal(err), err.to_string());
            for lang in ["az", "ru", "tr"] {
                let theirs = for_language(lang).refusal(err);
                assert_ne!(theirs, err.to_string(), "{lang}: {err}");
                assert!(!theirs.ends_with('.'), "{lang}: {theirs}");
            }
        }
        assert_eq!(
            for_language("ru").refusal(&errors[16]),
            "интервал: укажите целое число минут от 1 до 1440"
        );
        // A clause keeps an Azerbaijani or Turkish dotted capital a plain i.
        assert_eq!(clause("İstifadəçi adı."), "istifadəçi adı");
    }

    #[test]
    fn accept_language_picks_the_best_language_the_newsroom_speaks() {
        assert_eq!(from_accept_language("ru-RU,ru;q=0.9,en;q=0.8"), Some("ru"));
        assert_eq!(from_accept_language("de, tr;q=0.5, az;q=0.7"), Some("az"));
        assert_eq!(from_accept_language("de,fr"), None);
        assert_eq!(from_accept_language("en;q=0, tr"), Some("tr"));
        assert_eq!(from_accept_language(""), None);
    }
}
