//! Words for the benchmark corpus, distributed as news text is: a Zipf law over tens of
//! thousands of distinct words per language, with the names and places that recur in
//! the news. With thirty words, every word is in almost every item and a search
//! benchmark measures nothing real; with these, common words are common, most words
//! are rare, and a name picks out a few thousand items of a million.
//!
//! Everything is made from fixed tables and the caller's random numbers, so the same
//! draws always give the same text.

use std::sync::LazyLock;

/// Distinct generated words per language, besides the common words and the names.
pub const GENERATED: usize = 40_000;

/// Zipf's exponent for word ranks: close to 1, as in news text.
const ZIPF: f64 = 1.0;

/// One language's words, ranked, with a table to draw them by rank in O(1).
pub struct Vocabulary {
    /// Every word, most common first.
    words: Vec<String>,
    /// Vose's alias table over the ranks.
    chance: Vec<f64>,
    alias: Vec<u32>,
    /// People in the news, in this language's spelling.
    pub names: &'static [&'static str],
    /// Places in the news, in this language's spelling.
    pub places: &'static [&'static str],
    /// How many ranks at the top are function words, not worth a search.
    pub function_words: usize,
}

struct Language {
    code: &'static str,
    function_words: &'static [&'static str],
    onsets: &'static [&'static str],
    vowels: &'static [&'static str],
    codas: &'static [&'static str],
    names: &'static [&'static str],
    places: &'static [&'static str],
}

const EN: Language = Language {
    code: "en",
    function_words: &[
        "the", "of", "and", "to", "in", "a", "on", "for", "with", "said", "at", "by", "from", "is",
        "was", "as", "that", "will", "has", "its", "it", "be", "are", "this", "an",
    ],
    onsets: &[
        "b", "c", "d", "f", "g", "h", "j", "k", "l", "m", "n", "p", "r", "s", "t", "v", "w", "z",
        "br", "cr", "dr", "gr", "pr", "tr", "st", "sh", "ch", "th", "pl", "cl",
    ],
    vowels: &["a", "e", "i", "o", "u", "ea", "ou", "ai"],
    codas: &["", "n", "r", "s", "t", "l", "nd", "st", "m", "ck"],
    names: &[
        "Ilham Aliyev",
        "Jeyhun Bayramov",
        "Yasar Guler",
        "Hikmet Hajiyev",
        "Zakir Hasanov",
        "Recep Tayyip Erdogan",
        "Hakan Fidan",
        "Mevlut Cavusoglu",
        "Vladimir Putin",
        "Sergey Lavrov",
        "Ursula von der Leyen",
        "Antonio Guterres",
        "Emmanuel Macron",
        "Olaf Scholz",
        "Nikol Pashinyan",
        "Irakli Kobakhidze",
        "Kassym-Jomart Tokayev",
        "Shavkat Mirziyoyev",
        "Mehriban Aliyeva",
        "Ali Asadov",
    ],
    places: &[
        "Baku",
        "Ganja",
        "Shusha",
        "Sumgayit",
        "Lankaran",
        "Nakhchivan",
        "Karabakh",
        "Tbilisi",
        "Ankara",
        "Istanbul",
        "Moscow",
        "Brussels",
        "Washington",
        "Tehran",
        "Astana",
        "Tashkent",
        "Caspian",
        "Zangezur",
        "Aghdam",
        "Fuzuli",
    ],
};

const AZ: Language = Language {
    code: "az",
    function_words: &[
        "və",
        "bu",
        "ilə",
        "üçün",
        "da",
        "də",
        "ki",
        "bir",
        "olan",
        "edib",
        "olub",
        "isə",
        "həm",
        "artıq",
        "daha",
        "onun",
        "bildirib",
        "qeyd",
        "edilib",
        "ölkə",
        "il",
        "tərəfindən",
        "görə",
        "arasında",
        "ən",
    ],
    onsets: &[
        "b", "c", "ç", "d", "f", "g", "ğ", "h", "x", "j", "k", "q", "l", "m", "n", "p", "r", "s",
        "ş", "t", "v", "y", "z", "dr", "tr", "st", "şt", "kr", "pl", "qr",
    ],
    vowels: &["a", "ə", "e", "ı", "i", "o", "ö", "u", "ü"],
    codas: &["", "n", "r", "l", "m", "q", "t", "ş", "z", "y"],
    names: &[
        "İlham Əliyev",
        "Ceyhun Bayramov",
        "Yaşar Güler",
        "Hikmət Hacıyev",
        "Zakir Həsənov",
        "Rəcəb Tayyib Ərdoğan",
        "Hakan Fidan",
        "Mövlud Çavuşoğlu",
        "Vladimir Putin",
        "Sergey Lavrov",
        "Ursula fon der Layen",
        "Antonio Quterreş",
        "Emmanuel Makron",
        "Olaf Şolts",
        "Nikol Paşinyan",
        "İrakli Kobaxidze",
        "Kasım-Jomart Tokayev",
        "Şavkat Mirziyoyev",
        "Mehriban Əliyeva",
        "Əli Əsədov",
    ],
    places: &[
        "Bakı",
        "Gəncə",
        "Şuşa",
        "Sumqayıt",
        "Lənkəran",
        "Naxçıvan",
        "Qarabağ",
        "Tbilisi",
        "Ankara",
        "İstanbul",
        "Moskva",
        "Brüssel",
        "Vaşinqton",
        "Tehran",
        "Astana",
        "Daşkənd",
        "Xəzər",
        "Zəngəzur",
        "Ağdam",
        "Füzuli",
    ],
};

const RU: Language = Language {
    code: "ru",
    function_words: &[
        "и",
        "в",
        "на",
        "с",
        "по",
        "что",
        "не",
        "для",
        "о",
        "из",
        "к",
        "от",
        "за",
        "как",
        "также",
        "его",
        "это",
        "года",
        "будет",
        "было",
        "при",
        "заявил",
        "между",
        "после",
        "до",
    ],
    onsets: &[
        "б", "в", "г", "д", "ж", "з", "к", "л", "м", "н", "п", "р", "с", "т", "ф", "х", "ц", "ч",
        "ш", "щ", "пр", "ст", "тр", "кр", "гр", "др", "сл", "зв", "пл", "бр",
    ],
    vowels: &["а", "е", "и", "о", "у", "ы", "я", "ю", "ё"],
    codas: &["", "н", "р", "л", "м", "т", "с", "к", "й", "ст"],
    names: &[
        "Ильхам Алиев",
        "Джейхун Байрамов",
        "Яшар Гюлер",
        "Хикмет Гаджиев",
        "Закир Гасанов",
        "Реджеп Тайип Эрдоган",
        "Хакан Фидан",
        "Мевлют Чавушоглу",
        "Владимир Путин",
        "Сергей Лавров",
        "Урсула фон дер Ляйен",
        "Антониу Гутерриш",
        "Эммануэль Макрон",
        "Олаф Шольц",
        "Никол Пашинян",
        "Ираклий Кобахидзе",
        "Касым-Жомарт Токаев",
        "Шавкат Мирзиёев",
        "Мехрибан Алиева",
        "Али Асадов",
    ],
    places: &[
        "Баку",
        "Гянджа",
        "Шуша",
        "Сумгайыт",
        "Ленкорань",
        "Нахчыван",
        "Карабах",
        "Тбилиси",
        "Анкара",
        "Стамбул",
        "Москва",
        "Брюссель",
        "Вашингтон",
        "Тегеран",
        "Астана",
        "Ташкент",
        "Каспий",
        "Зангезур",
        "Агдам",
        "Физули",
    ],
};

/// A word made of CV(C) syllables, numbered: distinct numbers give distinct words,
/// since a syllable always starts with an onset and every onset is a consonant.
fn generated(language: &Language, mut n: usize) -> String {
    let syllables = language.onsets.len() * language.vowels.len();
    // Common ranks get short words, as in every language.
    let count = if n < syllables * syllables { 2 } else { 3 };
    let mut word = String::new();
    for at in 0..count {
        let s = n % syllables;
        n /= syllables;
        word.push_str(language.onsets[s / language.vowels.len()]);
        word.push_str(language.vowels[s % language.vowels.len()]);
        if at + 1 == count {
            word.push_str(language.codas[n % language.codas.len()]);
        }
    }
    word
}

impl Vocabulary {
    fn build(language: &Language, topical: &[&str]) -> Self {
        let mut seen = std::collections::HashSet::new();
        let mut words: Vec<String> = Vec::with_capacity(GENERATED + 64);
        for w in language.function_words.iter().chain(topical) {
            if seen.insert((*w).to_owned()) {
                words.push((*w).to_owned());
            }
        }
        let function_words = language.function_words.len();
        let mut n = 0;
        while words.len() < GENERATED + function_words + topical.len() {
            let word = generated(language, n);
            n += 1;
            // Codas can make a generated word equal to another: keep words distinct.
            if seen.insert(word.clone()) {
                words.push(word);
            }
        }
        let (chance, alias) = alias_table(words.len());
        Self {
            words,
            chance,
            alias,
            names: language.names,
            places: language.places,
            function_words,
        }
    }

    /// How many distinct words there are.
    pub fn len(&self) -> usize {
        self.words.len()
    }

    /// Whether there are none (never).
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// The word at `rank` (0 is the most common).
    pub fn at(&self, rank: usize) -> &str {
        &self.words[rank.min(self.words.len() - 1)]
    }

    /// A word drawn by Zipf's law from two random numbers.
    pub fn draw(&self, a: u64, b: u64) -> &str {
        let column = (a % self.words.len() as u64) as usize;
        let coin = (b >> 11) as f64 / (1u64 << 53) as f64;
        let rank = if coin < self.chance[column] {
            column
        } else {
            self.alias[column] as usize
        };
        &self.words[rank]
    }

    /// A name or a place, drawn from one random number (people and places in the news
    /// are themselves unevenly common: the first ones most).
    pub fn proper(&self, a: u64) -> &'static str {
        let all = self.names.len() + self.places.len();
        // Squaring a uniform number leans towards the start of the list.
        let u = (a >> 11) as f64 / (1u64 << 53) as f64;
        let i = ((u * u) * all as f64) as usize;
        if i < self.names.len() {
            self.names[i]
        } else {
            self.places[(i - self.names.len()).min(self.places.len() - 1)]
        }
    }
}

/// Vose's alias table for ranks 0..n with weights 1/(rank+1)^ZIPF.
fn alias_table(n: usize) -> (Vec<f64>, Vec<u32>) {
    let weights: Vec<f64> = (0..n).map(|r| 1.0 / ((r + 1) as f64).powf(ZIPF)).collect();
    let total: f64 = weights.iter().sum();
    let mut scaled: Vec<f64> = weights.iter().map(|w| w * n as f64 / total).collect();
    let mut chance = vec![1.0; n];
    let mut alias: Vec<u32> = (0..n as u32).collect();
    let (mut small, mut large): (Vec<usize>, Vec<usize>) = (0..n).partition(|i| scaled[*i] < 1.0);
    while let (Some(s), Some(&l)) = (small.pop(), large.last()) {
        chance[s] = scaled[s];
        alias[s] = l as u32;
        scaled[l] -= 1.0 - scaled[s];
        if scaled[l] < 1.0 {
            large.pop();
            small.push(l);
        }
    }
    (chance, alias)
}

/// The topical words every corpus has used, kept as the most common content words.
static TOPICAL: LazyLock<[(&'static str, Vec<&'static str>); 3]> = LazyLock::new(|| {
    [
        ("en", super::bench::topical("en")),
        ("az", super::bench::topical("az")),
        ("ru", super::bench::topical("ru")),
    ]
});

static VOCABULARIES: LazyLock<Vec<(&'static str, Vocabulary)>> = LazyLock::new(|| {
    [EN, AZ, RU]
        .iter()
        .map(|language| {
            let topical = TOPICAL
                .iter()
                .find(|(code, _)| *code == language.code)
                .map(|(_, words)| words.as_slice())
                .unwrap_or_default();
            (language.code, Vocabulary::build(language, topical))
        })
        .collect()
});

/// The vocabulary of a corpus edition (`en`, `az` or `ru`; English for any other).
pub fn of(code: &str) -> &'static Vocabulary {
    let all = &*VOCABULARIES;
    all.iter()
        .find(|(c, _)| *c == code)
        .or(all.first())
        .map(|(_, v)| v)
        .unwrap_or_else(|| unreachable!("three vocabularies are built"))
}

/// `count` search queries of one to three words, in every edition of the corpus, as
/// readers type them: names and places, and content words by how often they occur
/// (function words left out), the same every time.
pub fn queries(count: usize) -> Vec<(&'static str, String)> {
    let mut state: u64 = 0x5eed_0f5e_a2c4;
    let mut next = move || {
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        state.wrapping_mul(0x2545_f491_4f6c_dd1d)
    };
    (0..count)
        .map(|i| {
            let code = ["en", "az", "ru"][i % 3];
            let v = of(code);
            let target = 1 + (next() % 3) as usize;
            let mut query: Vec<&str> = Vec::new();
            if next() % 10 < 4 {
                let proper = v.proper(next());
                if proper.split(' ').count() <= target {
                    query.extend(proper.split(' '));
                }
            }
            while query.len() < target {
                let rank_word = v.draw(next(), next());
                if !v.words[..v.function_words].iter().any(|f| f == rank_word) {
                    query.push(rank_word);
                }
            }
            (code, query.join(" "))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_language_has_tens_of_thousands_of_distinct_words() {
        for code in ["en", "az", "ru"] {
            let v = of(code);
            assert!(v.len() >= 30_000, "{code}: {}", v.len());
            let distinct: std::collections::HashSet<&str> = (0..v.len()).map(|r| v.at(r)).collect();
            assert_eq!(distinct.len(), v.len());
        }
    }

    #[test]
    fn draws_follow_zipf() {
        let v = of("en");
        let mut rng = 0x1234_5678_u64;
        let mut next = || {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            rng
        };
        let mut counts = std::collections::HashMap::new();
        let draws = 200_000;
        for _ in 0..draws {
            *counts.entry(v.draw(next(), next())).or_insert(0usize) += 1;
        }
        let share =
            |rank: usize| counts.get(v.at(rank)).copied().unwrap_or(0) as f64 / draws as f64;
        // The first word about twice the second and ten times the tenth.
        assert!(
            (share(0) / share(1) - 2.0).abs() < 0.3,
            "{} {}",
            share(0),
            share(1)
        );
        assert!((share(0) / share(9) - 10.0).abs() < 2.0);
        // Most distinct words are rare, but many are drawn.
        assert!(counts.len() > 15_000, "{}", counts.len());
    }

    #[test]
    fn queries_are_one_to_three_words_in_every_edition() {
        let q = queries(30);
        assert_eq!(q, queries(30));
        for (code, text) in &q {
            assert!(["en", "az", "ru"].contains(code));
            let words = text.split(' ').count();
            assert!((1..=3).contains(&words), "{text}");
        }
    }
}
