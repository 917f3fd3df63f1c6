"""Synthetic Arabic (and some English) conflict news, deterministic for a seed. Pure Python.

Articles are dicts of the import contract keys (title, body, url, source, section, published,
language, tags), so they go through the same `import_articles` path as a real export. The text is
not meant to read well; it is meant to stress search the way real archives do: a Zipfian
vocabulary of real news words, function words the analyzer drops, recurring names and
collocations for phrase queries, and the spelling noise readers and scrapers produce — harakat,
attached و/ب/ل/ال, hamza dropped or misplaced, ة as ه, ى/ي swapped, tatweel.

No Django imports: the generator is usable from the test suite, a shell or another project.
"""

from __future__ import annotations

import itertools
import json
import random
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

# --- vocabulary ---------------------------------------------------------------------------------
# Bare forms: nouns and adjectives take ال and the other clitics in `_with_clitic`; proper names
# are written as they are used (العراق keeps its ال); verbs take only و/ف.

# The commonest words of wire copy, most frequent first: they head the Zipf ranking.
CORE = """
قال الحكومة أكد قوات أعلن رئيس مصادر سوريا وزير منطقة مدينة أمني عسكري الجيش قصف هجوم
مقتل مدنيين معارضة النظام اتفاق مفاوضات العراق اليمن مسؤول بيان أضاف أشار تقرير أزمة
اللاجئين مساعدات حرب صراع سلطات شرطة فصائل عملية قتلى جرحى دولة حدود اشتباكات غارات
وزارة مجلس سياسي اقتصاد نفط أسعار دمشق بغداد غزة ليبيا لبنان مصر تركيا إيران روسيا
"""

POLITICS = """
حكومة رئاسة وزراء برلمان نائب نواب حزب أحزاب انتخابات انتخاب اقتراع مرشح مرشحين دستور قانون
قوانين مرسوم قرار قرارات سلطة دول نظام ائتلاف تحالف تحالفات جبهة حركة حركات تيار زعيم زعماء
قائد قادة مسؤولون مسؤولين متحدث ناطق سفير سفارة سفراء قنصلية دبلوماسي علاقات خارجية داخلية
دفاع عدل مالية سياسة سياسات شعب مواطن مواطنين مواطنون مجتمع إصلاح إصلاحات فساد احتجاج
احتجاجات تظاهرة مظاهرات متظاهرين متظاهرون اعتصام إضراب ثورة ثوار انقلاب مرحلة انتقال حوار
محادثات وساطة وسيط مبادرة تسوية اتفاقية معاهدة مصالحة تهدئة قمة مؤتمر اجتماع اجتماعات لقاء
زيارة جولة وفد وفود تصريح تصريحات خطاب كلمة تقارير مصدر وكالة أنباء صحيفة قناة إعلام صحفي
صحفيين مراسل موقف مواقف رؤية خطة خطط برنامج استراتيجية أولوية ملف ملفات قضية قضايا أزمات
نزاع خلاف خلافات توتر توترات تصعيد ضغوط ضغط عقوبات حصار مقاطعة تطبيع سيادة استقلال وحدة
هوية شرعية حكم استفتاء تصويت مقعد مقاعد أغلبية أقلية كتلة كتل لجنة لجان عضو أعضاء نقابة
نقابات جمعية هيئة هيئات مؤسسة مؤسسات إدارة محافظ بلدية مجالس حاكم ملك أمير مستشار مستشارين
مبعوث مندوب ممثل ممثلين أمين جلسة جلسات دورة مشروع تعديل تعديلات ميثاق وثيقة مذكرة رسالة
دعوة دعوات مطالب مطالبات شروط ضمانات التزامات التزام تعهد تعهدات وعود انتقادات انتقاد
اتهامات اتهام إدانة ترحيب قلق تحذير تحذيرات تهديد تهديدات رد ردود خطوة خطوات إجراءات إجراء
تدابير آلية آليات مسار مسارات جهود تعاون شراكة دعم تأييد معارضين موالين أنصار مؤيدين خصوم
حلفاء حليف جيران مستقبل تاريخ ذكرى مناسبة احتفال حملة حملات شعار شعارات منصب مناصب استقالة
تعيين إقالة حقيبة حكومات اعتراف نفوذ هيمنة تدخل تدخلات
"""

MILITARY = """
جيش جيوش جنود جندي ضابط ضباط قوة عسكريين مقاتل مقاتلين مقاتلون مسلحين مسلحون ميليشيا
ميليشيات فصيل كتيبة كتائب لواء ألوية فرقة وحدات عناصر مجموعة مجموعات جماعة جماعات تنظيم
خلية خلايا هجمات غارة قذائف قذيفة صاروخ صواريخ طائرة طائرات مسيرة مسيرات مروحية مروحيات
دبابة دبابات مدرعات مدرعة مدفعية رصاص قناص قناصة انفجار انفجارات تفجير تفجيرات عبوة عبوات
لغم ألغام مفخخة اشتباك معارك معركة مواجهات مواجهة جبهات خط خطوط تماس حاجز حواجز نقطة نقاط
موقع مواقع قاعدة قواعد مطار مستودع مستودعات ذخيرة ذخائر أسلحة سلاح عتاد تعزيزات انسحاب
سيطرة كمين اغتيال اختطاف أسرى أسير معتقل معتقلين معتقلات سجن سجون اعتقال اعتقالات مداهمة
مداهمات عمليات حروب احتلال اجتياح توغل اقتحام قتيل ضحايا ضحية جريح مصابين إصابات إصابة
خسائر دمار أنقاض ركام مجزرة مجازر إبادة مقبرة مقابر جثث جثة شهيد شهداء مفقودين مفقود رهائن
رهينة هدنة إرهاب إرهابي إرهابيين تطرف متطرفين جهاديين دفاعات رادار منظومة صفارات إنذار
ملاجئ تحصينات أنفاق نفق بارجة سفينة سفن زوارق بحرية مدمرة غواصة مقاتلات قاذفات طيار طيران
استطلاع مراقبة رصد تمشيط ملاحقة مطاردة اعتراض إسقاط تدمير استهداف تحرير استعادة حشود حشد
انتشار نشر تموضع تمركز ثكنة ثكنات معسكر معسكرات تدريب مدربين مرتزقة متعاقدين قناصين مدفع
مدافع هاون راجمة راجمات كاتيوشا بالستي مضادة دروع قنبلة قنابل متفجرات كيميائي كلور سارين
غازات خنادق سواتر متاريس حراسة دورية دوريات مخابرات استخبارات جهاز أجهزة عميل عملاء تجسس
مخبر معلومات
"""

ECONOMY = """
غاز طاقة كهرباء وقود بنزين مازوت ديزل سعر تضخم عملة ليرة دينار ريال جنيه دولار يورو صرف
بنك مصرف مصارف فائدة قرض قروض ديون دين موازنة ميزانية عجز إيرادات ضرائب ضريبة رسوم جمارك
تجارة صادرات واردات استثمار استثمارات مستثمرين شركة شركات سوق أسواق بورصة أسهم نمو ركود
انكماش بطالة فقر رواتب أجور معاشات خبز قمح طحين غذاء مواد سلع إنتاج مصنع مصانع زراعة
محاصيل مياه ري جفاف إعمار بناء بنية مشاريع تمويل مانحين منحة منح عقود عقد صفقة صفقات تصدير
استيراد شحنات شحنة ناقلة ناقلات أنبوب أنابيب حقل حقول مصفاة مصافي برميل براميل احتياطي
احتياطيات ذهب فضة معادن فوسفات إسمنت حديد تجار مستهلكين أسرة دخل إنفاق تكاليف تكلفة خصخصة
قطاع قطاعات صناعة صناعات سياحة سياح فنادق ميناء موانئ شحن ملاحة نقل مواصلات اتصالات إنترنت
تحويلات حوالات نقد سيولة عملات مضاربة تهريب مهربين محروقات طوابير اختناق انقطاع تقنين مولدات
بطاقات حصص توزيع مخابز أفران رغيف أرز سكر زيت لحوم خضار فواكه ماشية أغنام دواجن أسمدة بذور
حصاد موسم مزارعين فلاحين أراضي أرض عقارات إيجار إيجارات سكن مساكن
"""

HUMANITARIAN = """
لاجئ لاجئين لاجئون نازح نازحين نازحون مخيم مخيمات إغاثة منظمة منظمات دواء أدوية مستشفى
مستشفيات مستوصف عيادة طبيب أطباء ممرضين مسعفين إسعاف مرضى كوادر وباء أوبئة كوليرا كورونا
لقاح لقاحات مجاعة تغذية أطفال طفل نساء امرأة رجال شيوخ مسنين مدنيون عائلات عائلة أسر سكان
أهالي حقوق انتهاكات انتهاك جرائم جريمة محكمة محاكم محاكمة قاضي قضاة ادعاء نيابة محامي
محامين تحقيق تحقيقات أدلة شهادات شهادة شاهد شهود تعذيب إعدام إعدامات اختفاء عدالة مساءلة
إفلات حماية ممرات تهجير تشريد عودة توطين لجوء هجرة مهاجرين مهاجر معبر معابر تأشيرة إقامة
ترحيل اندماج قوارب غرق غرقى مفوضية متطوعين متطوع إنقاذ انتشال مسعف خيام خيمة شتاء برد ثلوج
فيضانات سيول أمطار حرائق حريق زلزال كارثة كوارث مأساة معاناة جوع عطش تعليم مدارس طلاب
تلاميذ معلمين امتحانات أيتام أرامل إعاقة صحة نفسية صدمة ناجين ناجيات اغتصاب عنف تمييز رقابة
حرية حريات تعبير صحافة ناشط ناشطين ناشطة معارض مدافعين
"""

GENERAL = """
يوم أيام أسبوع أسابيع شهر أشهر سنة سنوات عام أعوام ساعة ساعات دقيقة دقائق مساء صباح ليلة
فجر ظهر منتصف بداية نهاية مطلع أواخر مناطق مدن قرية قرى بلدة بلدات حي أحياء ريف محافظة
محافظات إقليم أقاليم ولاية شمال جنوب شرق غرب وسط ضواحي شارع شوارع طريق طرق جسر جسور مبنى
مباني منزل منازل بيت بيوت مدرسة جامعة جامعات مسجد مساجد كنيسة كنائس ساحة ساحات حدائق مركز
مراكز مقر مقرات مكتب مكاتب بوابة مدخل مخرج سياج جدار أسوار نهر أنهار بحر ساحل سواحل جبل
جبال سهل وادي صحراء بادية واحة جزيرة جزر حدث أحداث تطور تطورات وضع أوضاع حالة حالات ظروف
واقع حقيقة أسباب سبب نتائج نتيجة تداعيات آثار أثر مخاطر خطر فرصة فرص تحديات تحدي عدد أعداد
نسبة ألف آلاف مليون ملايين مليار مليارات نصف ربع ثلث أغلب معظم جزء أجزاء مستوى مستويات حجم
كمية كميات مسافة كيلومتر كيلومترات متر أمتار مساحة دونم هكتار مرة مرات مصير طرف أطراف جانب
جوانب شأن إطار ضوء ظل سياق نطاق محيط داخل خارج مقابل لحظة فترة فترات موعد مواعيد
"""

ADJECTIVES = """
كبير كبيرة صغير صغيرة جديد جديدة قديم قديمة عسكرية سياسية اقتصادي اقتصادية أمنية إنساني
إنسانية دولي دولية إقليمي إقليمية محلي محلية وطني وطنية عربي عربية أجنبي أجنبية رسمي رسمية
شعبي شعبية مسلح مسلحة عنيف عنيفة سلمي سلمية مدني مدنية حكومي حكومية رئاسي رئاسية برلماني
برلمانية دبلوماسية قضائي قضائية تركي تركية إيراني إيرانية روسي روسية أمريكي أمريكية سوري
سورية عراقي عراقية يمني يمنية ليبي ليبية مصري مصرية لبناني لبنانية فلسطيني فلسطينية
إسرائيلي إسرائيلية سعودي سعودية إماراتي إماراتية قطري قطرية أردني أردنية سوداني سودانية كردي
كردية أوروبي أوروبية غربي غربية شرقي شرقية شمالي شمالية جنوبي جنوبية كثيف كثيفة شديد شديدة
واسع واسعة عاجل عاجلة خطير خطيرة حاد حادة مباشر مباشرة سابق سابقة حالي حالية مقبل مقبلة
أخير أخيرة ماضي ماضية قريب قريبة بعيد بعيدة محتمل محتملة مشترك مشتركة كامل كاملة جزئي
جزئية دائم دائمة مؤقت مؤقتة مستقل مستقلة معتدل معتدلة متشدد متشددة مركزي مركزية انتقالي
انتقالية دستوري دستورية شرعي غذائي غذائية صحي صحية طبي طبية تعليمي نفطي نفطية مالي تجاري
تجارية زراعي زراعية صناعي صناعية إعلامي إعلامية حقوقي حقوقية أممي أممية خليجي خليجية آمن
آمنة مغلق مغلقة مفتوح مفتوحة واضح واضحة صعب صعبة كارثي كارثية مأساوي مروع مروعة دامي دامية
ثقيل ثقيلة خفيف خفيفة مختلف مختلفة عديد عديدة متعدد متعددة رئيسي رئيسية أساسي أساسية
استراتيجي مهم مهمة كافي قليل قليلة كثير كثيرة جماعي جماعية فردي عامة خاص خاصة سري سرية علني
علنية مفاجئ مفاجئة متواصل متواصلة مستمر مستمرة متزايد متزايدة منخفض مرتفع مرتفعة قياسي قياسية
"""

VERBS = """
قال قالت يقول تقول أكد أكدت يؤكد تؤكد أعلن أعلنت يعلن تعلن أفاد أفادت يفيد أشار أشارت يشير
أضاف أضافت يضيف أوضح أوضحت يوضح ذكر ذكرت يذكر نقلت ينقل نفى نفت ينفي اتهم اتهمت يتهم حذر
حذرت يحذر طالب طالبت يطالب دعا دعت يدعو رفض رفضت يرفض وافق وافقت يوافق قرر قررت يقرر شن
شنت يشن استهدف استهدفت يستهدف قصفت يقصف قتل قتلت يقتل أصيب أصيبت أسفر أسفرت يسفر سقط سقطت
اندلعت اندلع سيطر سيطرت يسيطر انسحب انسحبت ينسحب تقدمت يتقدم هاجم هاجمت يهاجم اعتقل اعتقلت
يعتقل أطلق أطلقت يطلق أفرج أفرجت يفرج فر فرت نزح نزحت ينزح عاد عادت يعود وصل وصلت يصل غادر
غادرت يغادر التقى التقت يلتقي بحث بحثت يبحث ناقش ناقشت يناقش وقع وقعت يوقع اتفق اتفقت يتفق
أجرى أجرت يجري عقدت يعقد استقبل استقبلت يستقبل شارك شاركت يشارك أدان أدانت يدين ندد نددت
يندد رحب رحبت يرحب أعرب أعربت يعرب طلب طلبت يطلب منع منعت يمنع سمح سمحت يسمح فرض فرضت يفرض
رفع رفعت يرفع خفض خفضت يخفض ارتفع ارتفعت يرتفع انخفض انخفضت ينخفض تراجع تراجعت يتراجع بلغ
بلغت يبلغ تجاوز تجاوزت يتجاوز وصف وصفت يصف اعتبر اعتبرت يعتبر كشف كشفت يكشف أظهر أظهرت
يظهر تمكن تمكنت يتمكن حاول حاولت يحاول استمر استمرت يستمر توقف توقفت يتوقف بدأ بدأت يبدأ
انتهى انتهت ينتهي شهد شهدت يشهد تعرض تعرضت يتعرض واجه واجهت يواجه تسبب تسببت يتسبب أدى أدت
يؤدي أسقط أسقطت دمر دمرت يدمر حاصر حاصرت يحاصر اقتحم اقتحمت يقتحم داهم داهمت يداهم فجرت
انفجرت اغتال اغتالت خطف خطفت اختطف أعدم أعدمت هدد هددت يهدد توعد توعدت تبنى تبنت يتبنى قاد
قادت يقود أمر أمرت يأمر أصدر أصدرت يصدر نشرت ينشر بث بثت صرح صرحت يصرح أبلغ أبلغت أكدوا
قالوا أعلنوا طالبوا رفضوا خرج خرجت يخرج تظاهر تظاهروا احتج احتجوا هتف هتفوا اعتصم أغلق أغلقت
يغلق فتح فتحت يفتح عبر عبرت يعبر دخل دخلت يدخل انتقل انتقلت ينتقل زار زارت يزور وعد وعدت
قدم قدمت يقدم تلقى تلقت يتلقى حصل حصلت يحصل منحت يمنح دفع دفعت يدفع خسر خسرت يخسر ربح فاز
فازت يفوز انتخب انتخبت صوت صوتوا يصوت عين عينت يعين أقال أقالت استقال استقالت حلت شكل شكلت
يشكل أقر أقرت يقر صادق صادقت ألغى ألغت يلغي علق علقت يعلق أجل أجلت يؤجل مدد مددت يمدد جدد
جددت يجدد استأنف استأنفت يستأنف انطلق انطلقت تنطلق ساهم ساهمت يساهم ساعد ساعدت يساعد وزع
وزعت يوزع أرسل أرسلت يرسل نقلوا أجلى يجلي أنقذ أنقذت ينقذ عالج عالجت توفي توفيت مات ماتوا
غرقت احترق احترقت انهار انهارت تضرر تضررت يعاني تعاني عانى يحتاج تحتاج احتاج يواصل واصل
واصلت يتوقع تتوقع توقع رجح رجحت يرجح قدر قدرت يقدر أحصى وثق وثقت يوثق رصدت يرصد سجل سجلت
يسجل
"""

PLACES = """
سوريا العراق اليمن ليبيا لبنان مصر الأردن فلسطين غزة القدس إسرائيل تركيا إيران السعودية
الإمارات قطر الكويت البحرين عمان السودان تونس الجزائر المغرب موريتانيا الصومال روسيا الصين
أمريكا فرنسا بريطانيا ألمانيا إيطاليا إسبانيا اليونان هولندا السويد النمسا بلجيكا سويسرا
أوكرانيا أفغانستان باكستان الهند إثيوبيا إريتريا تشاد النيجر نيجيريا قبرص أذربيجان أرمينيا
جورجيا دمشق حلب حمص حماة إدلب درعا الرقة الحسكة القامشلي اللاذقية طرطوس منبج عفرين كوباني
تدمر الغوطة دوما داريا جرابلس السويداء القنيطرة البوكمال الميادين سراقب أريحا بغداد الموصل
البصرة أربيل كركوك الفلوجة الرمادي تكريت سامراء سنجار الأنبار نينوى ديالى النجف كربلاء
السليمانية دهوك صنعاء عدن تعز الحديدة مأرب صعدة حضرموت المكلا لحج أبين شبوة الضالع طرابلس
بنغازي مصراتة سرت درنة سبها الزاوية غريان بيروت صيدا صور بعلبك الهرمل عرسال القاهرة
الإسكندرية سيناء العريش أسوان الأقصر الزرقاء إربد المفرق الرمثا رفح جباليا نابلس جنين الخليل
قلقيلية طولكرم طهران أنقرة إسطنبول أضنة هاتاي أورفا الرياض جدة مكة أبوظبي دبي الدوحة المنامة
مسقط الخرطوم دارفور كسلا الفاشر بورتسودان صفاقس قابس وهران الرباط نواكشوط مقديشو موسكو
واشنطن باريس لندن برلين جنيف فيينا بروكسل نيويورك أستانا سوتشي روما مدريد أثينا كييف كابول
"""

ACTORS = """
الأسد بوتين أردوغان ماكرون بايدن ترامب أوباما خامنئي روحاني نصرالله السيسي حفتر السراج
الدبيبة هادي الحوثي الحوثيين حماس فتح داعش النصرة قسد البيشمركة طالبان القاعدة الناتو
اليونيسف أوتشا غوتيريش لافروف بلينكن كيري ظريف عباس هنية نتنياهو غانتس بينيت الكاظمي
العبادي المالكي الصدر الحكيم البرزاني الطالباني ميقاتي الحريري جعجع باسيل البرهان حميدتي
البشير حمدوك الغنوشي تبون الجولاني البغدادي الظواهري أوجلان بيدرسن غريفيث باتيلي كوبيش
بلاسخارت الإبراهيمي
"""

# Names and collocations that recur verbatim: what phrase queries look for.
PHRASES = [
    "الأمم المتحدة",
    "مجلس الأمن",
    "وقف إطلاق النار",
    "حقوق الإنسان",
    "الصليب الأحمر",
    "قوات سوريا الديمقراطية",
    "هيئة تحرير الشام",
    "الجيش السوري الحر",
    "حزب الله",
    "الحشد الشعبي",
    "الولايات المتحدة",
    "الاتحاد الأوروبي",
    "جامعة الدول العربية",
    "صندوق النقد الدولي",
    "البنك الدولي",
    "المبعوث الأممي",
    "الأمين العام",
    "وزير الخارجية",
    "وزير الدفاع",
    "رئيس الوزراء",
    "المرصد السوري لحقوق الإنسان",
    "منظمة الصحة العالمية",
    "برنامج الأغذية العالمي",
    "المفوضية السامية لشؤون اللاجئين",
    "منظمة العفو الدولية",
    "هيومن رايتس ووتش",
    "المحكمة الجنائية الدولية",
    "قطاع غزة",
    "الضفة الغربية",
    "دير الزور",
    "رام الله",
    "خان يونس",
    "بيت لحم",
    "تل أبيض",
    "رأس العين",
    "جسر الشغور",
    "خان شيخون",
    "معرة النعمان",
    "شرق الفرات",
    "ريف دمشق",
    "ريف حلب الشمالي",
    "الغوطة الشرقية",
    "البحر الأحمر",
    "البحر المتوسط",
    "مضيق هرمز",
    "الأسلحة الكيميائية",
    "البراميل المتفجرة",
    "الطائرات المسيرة",
    "المساعدات الإنسانية",
    "الممرات الآمنة",
    "المنطقة العازلة",
    "خفض التصعيد",
    "سعر الصرف",
    "البنك المركزي",
    "أسعار النفط",
    "إعادة الإعمار",
    "الحل السياسي",
    "اللجنة الدستورية",
    "مسار أستانا",
    "محادثات جنيف",
    "المرحلة الانتقالية",
    "الربيع العربي",
    "العملية العسكرية",
    "الحرب الأهلية",
    "النظام السوري",
    "المعارضة السورية",
    "التحالف الدولي",
    "الحرس الثوري",
    "الاحتلال الإسرائيلي",
    "السلطة الفلسطينية",
    "المجلس الرئاسي",
    "حكومة الوفاق",
    "الجيش الوطني الليبي",
    "قوات الدعم السريع",
    "تنظيم الدولة",
    "مصدر مطلع",
    "بحسب مصادر محلية",
    "الأسبوع الماضي",
    "خلال الساعات الماضية",
    "مخيم الهول",
    "معبر باب الهوى",
    "معبر رفح",
    "سد النهضة",
    "قيس سعيد",
    "محمد بن سلمان",
    "الملك عبدالله",
    "الدار البيضاء",
    "إسلام آباد",
]

# Villages, districts and minor figures: each article names one of them at most, so they are
# the archive's long tail (a reader looking for one place), unlike the Zipf-ranked words above.
_RARE_PLACES = """
كفرنبل سرمين بنش تفتناز معرشورين حيش كفرزيتا اللطامنة مورك حرستا عربين زملكا سقبا كفربطنا
جوبر القابون برزة الزبداني مضايا بقين يبرود النبك القريتين السخنة عقيربات الرستن تلبيسة
الحولة القصير تلكلخ الصنمين نوى جاسم إنخل طفس بصرى الحراك عندان اعزاز مارع دابق الأتارب
عنجارة كفرناها السفيرة مسكنة المنصورة معدان الشدادي عامودا الدرباسية المالكية الرميلان
القحطانية القائم عنة راوة حديثة هيت الكرابلة الشرقاط الحويجة طوزخورماتو بيجي الدجيل
الطارمية اليوسفية الإسحاقي المسيب الحلة الديوانية الكوت العمارة الناصرية السماوة الزبير
الفاو باجل الزيدية حرض ميدي عبس الخوخة المخا ذباب الوازعية حيس الجراحي زبيد المراوعة
المنصورية الصليف رازح ساقين حيدان مجز كتاف الحزم الغيضة سيئون تريم شبام عتق بيحان حريب صرواح
مدغل العبدية الجوبة
"""
_RARE_MULTIWORD = [
    "خان العسل",
    "دير حافر",
    "دارة عزة",
    "تل رفعت",
    "تل تمر",
    "الشيخ مسكين",
    "خربة غزالة",
    "جرف الصخر",
    "أم قصر",
    "بيت الفقيه",
]
RARE_NAMES = [*_RARE_PLACES.split(), *_RARE_MULTIWORD]

# Function words: most are on the analyzer's stopword list, as in real prose.
FUNCTION_WORDS = """
في من على إلى أن عن مع التي الذي بعد إن قد كما خلال حيث منذ بين هذا هذه ذلك كان كانت لم لا
ما عند أمام ضد نحو وفق إثر عقب لدى أيضا كل بعض عدة أكثر حتى لكن أو ثم الذين تلك يكون لن
""".split()

ENGLISH_WORDS = """
said government forces president minister army rebels attack killed people city military
security officials country war police state opposition regime talks ceasefire fighting troops
civilians refugees aid humanitarian council border region province capital group militants
militia fighters airstrikes strikes shelling bombing explosion protest protesters election vote
parliament party leader prime foreign defence interior ministry spokesman statement report
agency sources according told reporters week month year day monday tuesday wednesday thursday
friday saturday sunday morning night wounded injured dead death toll casualties children women
families residents villages town district camp camps displaced hospital medical health doctors
food water electricity fuel oil gas prices economy economic currency bank inflation sanctions
trade exports imports investment reconstruction crisis conflict violence peace agreement deal
negotiations envoy mediation summit meeting visit delegation spokeswoman commander general
colonel soldiers soldier rebel insurgents jihadist extremist terrorist terrorism attacks
offensive assault advance retreat withdrawal control captured seized recaptured besieged siege
blockade convoy checkpoint road highway bridge airport port base bases weapons missile missiles
rockets drone drones aircraft jets helicopter tanks artillery mortar sniper ambush raid raids
arrests detained detention prison prisoners hostages executed torture abuses rights human
violations crimes investigation court trial judge justice accountability evidence witnesses
activists journalists media freedom press coalition alliance international regional local
national western european american russian iranian turkish syrian iraqi yemeni libyan lebanese
egyptian palestinian israeli saudi kurdish arab gulf north south east west central eastern
northern southern areas area territory frontline front clashes battle battles heavy intense
fresh renewed major key senior former new last several dozens hundreds thousands millions
billion million percent amid despite warned called urged denied accused condemned welcomed
announced confirmed reported claimed added noted stressed rejected agreed signed launched
carried fired targeted destroyed struck hit fled returned arrived held met discussed continued
began ended reached rose fell increased imposed lifted eased allowed blocked opened closed
released freed arrested Syria Iraq Yemen Libya Lebanon Egypt Jordan Gaza Israel Turkey Iran
Damascus Aleppo Idlib Baghdad Mosul Sanaa Aden Tripoli Benghazi Beirut Cairo Raqqa Homs Hodeidah
Marib Taiz Moscow Washington Geneva Ankara Tehran Riyadh Khartoum Darfur
""".split()

ENGLISH_PHRASES = [
    "United Nations",
    "Security Council",
    "Islamic State",
    "Syrian Democratic Forces",
    "human rights",
    "Red Cross",
    "World Food Programme",
    "Hayat Tahrir al-Sham",
    "Free Syrian Army",
    "Popular Mobilization Forces",
    "Libyan National Army",
    "Rapid Support Forces",
    "Saudi-led coalition",
    "International Criminal Court",
    "West Bank",
    "Gaza Strip",
    "Red Sea",
    "chemical weapons",
    "barrel bombs",
    "humanitarian corridor",
]

ENGLISH_FUNCTION_WORDS = """
the of and to in a on for with that by from at as is was were has have had it its this which
who be been are will would not but an their they he she after before during since while under
over against between into near also still however
""".split()

# (name, web domain, language of its articles)
SOURCES = [
    ("الجزيرة نت", "aljazeera.net", "ar"),
    ("العربي الجديد", "alaraby.co.uk", "ar"),
    ("الشرق الأوسط", "aawsat.com", "ar"),
    ("عنب بلدي", "enabbaladi.net", "ar"),
    ("بي بي سي عربي", "bbc.com", "ar"),
    ("Reuters", "reuters.com", "en"),
    ("Middle East Eye", "middleeasteye.net", "en"),
    ("Syria Direct", "syriadirect.org", "en"),
]
SECTIONS = [
    "دوليات",
    "سياسة",
    "اقتصاد",
    "عربي",
    "محليات",
    "تقارير",
    "حقوق وحريات",
    "رأي",
    "ثقافة",
    "منوعات",
]
TAGS = [
    "سوريا",
    "العراق",
    "اليمن",
    "ليبيا",
    "غزة",
    "لبنان",
    "السودان",
    "لاجئون",
    "انتخابات",
    "نفط",
    "حقوق الإنسان",
    "مفاوضات",
    "داعش",
    "الأسلحة الكيميائية",
    "المساعدات الإنسانية",
    "عقوبات",
    "إعادة الإعمار",
    "معتقلون",
]
ENGLISH_TAGS = ["Syria", "Iraq", "Yemen", "refugees", "ISIS", "sanctions", "human rights"]

DATE_FIRST = date(2011, 1, 1)
DATE_LAST = date(2026, 6, 30)

ENGLISH_SHARE = 0.10
MISSING_DATE_SHARE = 0.03
ZIPF_EXPONENT = 1.0
FUNCTION_WORD_SHARE = 0.28
NUMBER_SHARE = 0.02
PHRASE_PER_SENTENCE = 0.35
RARE_NAME_SHARE = 0.25  # of Arabic articles naming one of RARE_NAMES
# Spelling noise, per Arabic content word.
MISSPELL_SHARE = 0.12  # hamza, ة/ه, ى/ي; only where the word has the letter
DIACRITIC_SHARE = 0.05
TATWEEL_SHARE = 0.005
BODY_WORDS_MEAN = 500
BODY_WORDS_SD = 110


def _words(text: str) -> list[str]:
    return text.split()


def _ranked_vocabulary() -> tuple[list[str], list[str]]:
    """All Arabic content words, commonest first, and each one's kind (n, v or p).

    After the core list the categories are interleaved, so each has common and rare words.
    """
    kinds: dict[str, str] = {}
    for kind, text in (
        ("v", VERBS),
        ("p", PLACES),
        ("p", ACTORS),
        ("n", POLITICS),
        ("n", MILITARY),
        ("n", ECONOMY),
        ("n", HUMANITARIAN),
        ("n", GENERAL),
        ("n", ADJECTIVES),
    ):
        for word in _words(text):
            kinds.setdefault(word, kind)
    columns = [
        _words(text)
        for text in (
            POLITICS,
            MILITARY,
            VERBS,
            ECONOMY,
            HUMANITARIAN,
            ADJECTIVES,
            PLACES,
            GENERAL,
            ACTORS,
        )
    ]
    interleaved = [w for row in itertools.zip_longest(*columns) for w in row if w is not None]
    ranked = list(dict.fromkeys(_words(CORE) + interleaved))
    return ranked, [kinds.get(word, "n") for word in ranked]


VOCABULARY, KINDS = _ranked_vocabulary()


def _cumulative_zipf(size: int, exponent: float = ZIPF_EXPONENT) -> list[float]:
    return list(itertools.accumulate(1.0 / (rank**exponent) for rank in range(1, size + 1)))


_VOCAB_CUM = _cumulative_zipf(len(VOCABULARY))
_ENTRIES = list(zip(VOCABULARY, KINDS, strict=True))
_PHRASE_CUM = _cumulative_zipf(len(PHRASES), 0.8)
_FUNCTION_CUM = _cumulative_zipf(len(FUNCTION_WORDS), 0.7)
_ENGLISH_CUM = _cumulative_zipf(len(ENGLISH_WORDS))
_ENGLISH_PHRASE_CUM = _cumulative_zipf(len(ENGLISH_PHRASES), 0.8)

# --- spelling noise ------------------------------------------------------------------------------

_HAMZA_ALEFS = "أإآ"
_FATHA, _DAMMA, _KASRA = "\u064e", "\u064f", "\u0650"
_SHADDA, _SUKUN = "\u0651", "\u0652"
_TANWEEN = ("\u064b", "\u064c", "\u064d")
_TATWEEL = "\u0640"
# Letters that do not join to the next one: tatweel can only follow a joining letter.
_NON_JOINING = set("اأإآدذرزوؤةءى")
_INDIC_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def _misspell(word: str, rng: random.Random) -> str:
    options = []
    if any(ch in _HAMZA_ALEFS for ch in word):
        options.append("strip_hamza")
    elif word[0] == "ا" and not word.startswith("ال"):
        options.append("add_hamza")
    if word.endswith("ة"):
        options.append("open_teh")
    if word.endswith("ى"):
        options.append("yeh")
    elif word.endswith("ي") and len(word) > 3:
        options.append("maksura")
    if not options:
        return word
    choice = rng.choice(options)
    if choice == "strip_hamza":
        return word.translate({ord(ch): "ا" for ch in _HAMZA_ALEFS})
    if choice == "add_hamza":
        return rng.choice("أإ") + word[1:]
    if choice == "open_teh":
        return word[:-1] + "ه"
    if choice == "yeh":
        return word[:-1] + "ي"
    return word[:-1] + "ى"


def _with_clitic(word: str, kind: str, rng: random.Random) -> str:
    r = rng.random()
    if kind == "v":
        if r < 0.10:
            return "و" + word
        if r < 0.13:
            return "ف" + word
        return word
    if kind == "p" or word.startswith("ال"):
        if r < 0.08:
            return "و" + word
        if r < 0.12:
            return "ب" + word
        if r < 0.15:
            # لِ + العراق is written للعراق: the alef of ال goes.
            return "ل" + word[1:] if word.startswith("ال") else "ل" + word
        return word
    if r < 0.30:
        return "ال" + word
    if r < 0.36:
        return "وال" + word
    if r < 0.40:
        return "بال" + word
    if r < 0.43:
        # لِ + ال: للحكومة, and للاجئين when the noun itself starts with ل.
        return ("ل" if word.startswith("ل") else "لل") + word
    if r < 0.48:
        return "و" + word
    if r < 0.51:
        return "ب" + word
    if r < 0.53:
        return "ل" + word
    if r < 0.54:
        return "ف" + word
    return word


def _diacritise(word: str, rng: random.Random) -> str:
    style = rng.random()
    if style < 0.4 and len(word) > 2:
        # A shadda on one letter, the usual disambiguating mark (قوّات، المكوّن).
        i = rng.randrange(1, len(word) - 1)
        return word[: i + 1] + _SHADDA + rng.choice((_FATHA, _KASRA)) + word[i + 1 :]
    if style < 0.7:
        return word + rng.choice(_TANWEEN)
    # Fully vowelled, as in quoted statements and headlines.
    marks = (_FATHA, _DAMMA, _KASRA, _SUKUN)
    return "".join(ch + rng.choice(marks) for ch in word[:-1]) + word[-1]


def _tatweel(word: str, rng: random.Random) -> str:
    spots = [i for i in range(len(word) - 1) if word[i] not in _NON_JOINING]
    if not spots:
        return word
    i = rng.choice(spots)
    return word[: i + 1] + _TATWEEL * rng.randint(1, 3) + word[i + 1 :]


def _arabic_word(word: str, kind: str, rng: random.Random) -> str:
    if rng.random() < MISSPELL_SHARE:
        word = _misspell(word, rng)
    word = _with_clitic(word, kind, rng)
    r = rng.random()
    if r < DIACRITIC_SHARE:
        return _diacritise(word, rng)
    if r < DIACRITIC_SHARE + TATWEEL_SHARE:
        return _tatweel(word, rng)
    return word


def _number(rng: random.Random) -> str:
    value = str(rng.choice((rng.randint(2, 60), rng.randint(10, 999), rng.randint(2011, 2026))))
    return value.translate(_INDIC_DIGITS) if rng.random() < 0.3 else value


# --- sentences and articles -----------------------------------------------------------------------


def _arabic_sentence(rng: random.Random, length: int, *, title: bool = False) -> str:
    words = []
    entries = rng.choices(_ENTRIES, cum_weights=_VOCAB_CUM, k=length)
    for word, kind in entries:
        r = rng.random()
        if not title and r < FUNCTION_WORD_SHARE:
            words.append(rng.choices(FUNCTION_WORDS, cum_weights=_FUNCTION_CUM)[0])
        elif r > 1 - NUMBER_SHARE:
            words.append(_number(rng))
        words.append(_arabic_word(word, kind, rng))
    if rng.random() < (0.6 if title else PHRASE_PER_SENTENCE):
        phrase = rng.choices(PHRASES, cum_weights=_PHRASE_CUM)[0]
        if rng.random() < 0.1:
            phrase = phrase.translate({ord(ch): "ا" for ch in _HAMZA_ALEFS})
        words.insert(rng.randrange(len(words) + 1), phrase)
    if not title and len(words) > 10 and rng.random() < 0.5:
        i = rng.randrange(3, len(words) - 3)
        words[i] += "،"
    return " ".join(words) if title else " ".join(words) + "."


def _english_sentence(rng: random.Random, length: int, *, title: bool = False) -> str:
    words = []
    for word in rng.choices(ENGLISH_WORDS, cum_weights=_ENGLISH_CUM, k=length):
        if not title and rng.random() < 0.35:
            words.append(rng.choice(ENGLISH_FUNCTION_WORDS))
        words.append(word)
    if rng.random() < (0.5 if title else PHRASE_PER_SENTENCE):
        phrase = rng.choices(ENGLISH_PHRASES, cum_weights=_ENGLISH_PHRASE_CUM)[0]
        words.insert(rng.randrange(len(words) + 1), phrase)
    text = " ".join(words)
    text = text[0].upper() + text[1:]
    return text if title else text + "."


def _body(rng: random.Random, sentence, rare_name: str | None = None) -> str:
    target = max(150, int(rng.gauss(BODY_WORDS_MEAN, BODY_WORDS_SD)))
    paragraphs, count = [], 0
    while count < target:
        sentences = [sentence(rng, rng.randint(6, 16)) for _ in range(rng.randint(2, 5))]
        paragraph = " ".join(sentences)
        paragraphs.append(paragraph)
        count += paragraph.count(" ") + 1
    if rare_name:
        i = rng.randrange(len(paragraphs))
        words = paragraphs[i].split(" ")
        words.insert(rng.randrange(len(words)), rare_name)
        paragraphs[i] = " ".join(words)
    return "\n\n".join(paragraphs)


def _published(rng: random.Random) -> str | None:
    if rng.random() < MISSING_DATE_SHARE:
        return None
    day = DATE_FIRST + timedelta(days=rng.randrange((DATE_LAST - DATE_FIRST).days + 1))
    if rng.random() < 0.8:
        return day.isoformat()
    # Some exports carry a timestamp with an offset, as feeds do.
    hour, minute = rng.randrange(24), rng.randrange(60)
    return f"{day.isoformat()}T{hour:02d}:{minute:02d}:00{rng.choice(('Z', '+03:00', '+02:00'))}"


def article(rng: random.Random, number: int, seed: int) -> dict:
    """One synthetic article; `number` and `seed` make its URL unique."""
    english = rng.random() < ENGLISH_SHARE
    sources = [s for s in SOURCES if s[2] == ("en" if english else "ar")]
    name, domain, language = rng.choice(sources)
    sentence = _english_sentence if english else _arabic_sentence
    title = sentence(rng, rng.randint(5, 10), title=True)
    rare_name = None
    if not english and rng.random() < RARE_NAME_SHARE:
        rare_name = rng.choice(RARE_NAMES)
    body = _body(rng, sentence, rare_name)
    section = rng.choice(SECTIONS)
    tags = rng.sample(ENGLISH_TAGS if english else TAGS, k=rng.choice((0, 1, 1, 2, 2, 3)))
    published = _published(rng)
    year = published[:4] if published else "undated"
    record = {
        "title": title,
        "body": body,
        "url": f"https://www.{domain}/news/{year}/{seed}-{number:07d}",
        "source": name,
        "section": section,
        "language": language,
        "tags": tags,
    }
    if published is not None:
        record["published"] = published
    elif rng.random() < 0.5:
        record["published"] = ""  # some exports write an empty value instead of leaving it out
    return record


def generate(n: int, seed: int = 0) -> Iterator[dict]:
    """`n` articles; the same seed always gives the same articles, and a longer run of the same
    seed starts with the articles of a shorter one."""
    rng = random.Random(seed)
    for number in range(n):
        yield article(rng, number, seed)


def write_jsonl(path: str | Path, n: int, seed: int = 0) -> Path:
    """Write `n` articles as JSON Lines to `path`."""
    path = Path(path)
    with path.open("w", encoding="utf-8") as handle:
        for record in generate(n, seed):
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path


def write_jsonl_parts(directory: str | Path, n: int, seed: int = 0, per_file: int = 1000) -> list:
    """Write `n` articles as numbered JSONL files of at most `per_file` articles each.

    Importers cap the size of one file (ARCHIVE_MAX_FILE_MB), and real exports come in batches.
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    handle = None
    try:
        for index, record in enumerate(generate(n, seed)):
            if index % per_file == 0:
                if handle:
                    handle.close()
                paths.append(directory / f"articles-{len(paths) + 1:04d}.jsonl")
                handle = paths[-1].open("w", encoding="utf-8")
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    finally:
        if handle:
            handle.close()
    return paths
