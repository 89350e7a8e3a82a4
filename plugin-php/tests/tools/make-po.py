#!/usr/bin/env python3
"""Writes languages/vafa-fa_IR.po and vafa-ar.po from vafa.pot and the tables
below, then compiles them with msgfmt. Fails when a string has no translation,
so the translations stay complete as the plugin grows."""
import os, re, subprocess, sys

HERE = os.path.dirname(os.path.abspath(__file__))
LANG = os.path.join(HERE, "..", "..", "languages")

FA = {
 "Vafa Loyalty": "باشگاه وفا",
 "Vafa": "وفا",
 "You are not allowed to manage Vafa.": "شما اجازهٔ مدیریت وفا را ندارید.",
 "Connected. Orders now earn points.": "متصل شد. از این پس سفارش‌ها امتیاز می‌گیرند.",
 "Disconnected. The webhooks and keys were removed.": "اتصال قطع شد. وب‌هوک‌ها و کلیدها حذف شدند.",
 "%d webhooks re-enabled.": "%d وب‌هوک دوباره فعال شد.",
 "Choose a valid date.": "یک تاریخ معتبر انتخاب کنید.",
 "Import started; progress is shown below.": "درون‌ریزی آغاز شد؛ پیشرفت آن در پایین نمایش داده می‌شود.",
 "Settings saved.": "تنظیمات ذخیره شد.",
 "Unknown action.": "عملیات ناشناخته.",
 "Connect your store": "فروشگاه خود را متصل کنید",
 "Paste the connection token from your Vafa service. The plugin creates its own keys and the WooCommerce webhooks.": "توکن اتصال سرویس وفا را اینجا بچسبانید. افزونه کلیدهای خود و وب‌هوک‌های ووکامرس را می‌سازد.",
 "Connect": "اتصال",
 "Connection": "اتصال",
 "Service": "سرویس",
 "Store id": "شناسهٔ فروشگاه",
 "Reachable, key accepted": "در دسترس، کلید پذیرفته شد",
 "Status": "وضعیت",
 "Webhooks": "وب‌هوک‌ها",
 "Topic": "موضوع",
 "Consecutive failures": "خطاهای پیاپی",
 "WooCommerce disables a webhook after repeated failed deliveries. Re-enable them; the reconciliation sync recovers the orders they missed.": "ووکامرس پس از چند ارسال ناموفق، وب‌هوک را غیرفعال می‌کند. آن‌ها را دوباره فعال کنید؛ همگام‌سازی، سفارش‌های جامانده را بازیابی می‌کند.",
 "Re-enable webhooks": "فعال‌سازی دوبارهٔ وب‌هوک‌ها",
 "Import past orders": "درون‌ریزی سفارش‌های گذشته",
 "Import progress: %1$d of %2$d orders sent.": "پیشرفت درون‌ریزی: %1$d از %2$d سفارش ارسال شد.",
 "Import": "درون‌ریزی",
 "Orders changed since": "سفارش‌های تغییریافته از تاریخ",
 "Settings": "تنظیمات",
 "Save": "ذخیره",
 "Storefront timeout (seconds)": "مهلت پاسخ در فروشگاه (ثانیه)",
 "Disconnect": "قطع اتصال",
 "The rewards service could not be reached.": "دسترسی به سرویس امتیازها ممکن نشد.",
 "The rewards service answered %1$d: %2$s": "سرویس امتیازها پاسخ داد %1$d: %2$s",
 "The rewards service sent an unreadable answer.": "پاسخ سرویس امتیازها خوانا نبود.",
 "This is not a Vafa connection token.": "این توکن اتصال وفا نیست.",
 "The connection token is damaged. Copy it again.": "توکن اتصال خراب است. دوباره آن را کپی کنید.",
 "The rewards service sent an incomplete answer.": "پاسخ سرویس امتیازها ناقص بود.",
 "Vafa Loyalty needs WooCommerce to award points for orders. Shortcodes keep working for logged-in users.": "باشگاه وفا برای دادن امتیاز به سفارش‌ها به ووکامرس نیاز دارد. کدهای کوتاه برای کاربران واردشده همچنان کار می‌کنند.",
 "Rewards": "جوایز",
 "Recent activity": "فعالیت‌های اخیر",
 ("Earn %s point", "Earn %s points"): ("%s امتیاز بگیرید", "%s امتیاز بگیرید"),
 ("You will earn %s point with this order", "You will earn %s points with this order"): ("با این سفارش %s امتیاز می‌گیرید", "با این سفارش %s امتیاز می‌گیرید"),
 "Log in to see your points.": "برای دیدن امتیازهای خود وارد شوید.",
 "Rewards are temporarily unavailable.": "امتیازها موقتاً در دسترس نیستند.",
 "Your points": "امتیاز شما",
 "Worth %s": "به ارزش %s",
 "Your balance is negative because points you spent were taken back by a refund. New orders will bring it back up.": "موجودی شما منفی است، چون امتیازهایی که خرج کرده بودید با بازپرداخت پس گرفته شد. سفارش‌های تازه آن را جبران می‌کنند.",
 "%s points pending (they become available when the return period ends)": "%s امتیاز در انتظار (پس از پایان مهلت مرجوعی قابل استفاده می‌شود)",
 "Lifetime points: %s": "امتیاز کل: %s",
 "Rewards are temporarily unavailable; figures as of %s.": "امتیازها موقتاً در دسترس نیستند؛ ارقام مربوط به %s است.",
 "No points activity yet.": "هنوز فعالیتی ثبت نشده است.",
 "Date": "تاریخ",
 "Activity": "فعالیت",
 "Points": "امتیاز",
 "Older activity": "فعالیت‌های قدیمی‌تر",
 "Points for order #%s": "امتیاز سفارش #%s",
 "Refund or cancellation of order #%s": "بازپرداخت یا لغو سفارش #%s",
 "Points for order #%s are now available": "امتیاز سفارش #%s اکنون قابل استفاده است",
 "Points from your guest orders": "امتیاز سفارش‌های مهمان شما",
 "Adjustment by the store": "اصلاح توسط فروشگاه",
 "Points activity": "فعالیت امتیاز",
 "Vafa: %s": "وفا: %s",
}

AR = {
 "Vafa Loyalty": "برنامة وفاء للولاء",
 "Vafa": "وفاء",
 "You are not allowed to manage Vafa.": "غير مسموح لك بإدارة وفاء.",
 "Connected. Orders now earn points.": "تم الاتصال. الطلبات تكسب النقاط الآن.",
 "Disconnected. The webhooks and keys were removed.": "تم قطع الاتصال. أُزيلت الخطافات والمفاتيح.",
 "%d webhooks re-enabled.": "أُعيد تفعيل %d من الخطافات.",
 "Choose a valid date.": "اختر تاريخًا صحيحًا.",
 "Import started; progress is shown below.": "بدأ الاستيراد؛ يظهر التقدم أدناه.",
 "Settings saved.": "تم حفظ الإعدادات.",
 "Unknown action.": "إجراء غير معروف.",
 "Connect your store": "اربط متجرك",
 "Paste the connection token from your Vafa service. The plugin creates its own keys and the WooCommerce webhooks.": "الصق رمز الاتصال من خدمة وفاء. تنشئ الإضافة مفاتيحها وخطافات ووكومرس بنفسها.",
 "Connect": "اتصال",
 "Connection": "الاتصال",
 "Service": "الخدمة",
 "Store id": "معرّف المتجر",
 "Reachable, key accepted": "متاحة، والمفتاح مقبول",
 "Status": "الحالة",
 "Webhooks": "الخطافات",
 "Topic": "الموضوع",
 "Consecutive failures": "الإخفاقات المتتالية",
 "WooCommerce disables a webhook after repeated failed deliveries. Re-enable them; the reconciliation sync recovers the orders they missed.": "يعطّل ووكومرس الخطاف بعد تكرار فشل الإرسال. أعد تفعيلها؛ وستستعيد المزامنة الطلبات الفائتة.",
 "Re-enable webhooks": "إعادة تفعيل الخطافات",
 "Import past orders": "استيراد الطلبات السابقة",
 "Import progress: %1$d of %2$d orders sent.": "تقدم الاستيراد: أُرسل %1$d من %2$d طلبًا.",
 "Import": "استيراد",
 "Orders changed since": "الطلبات المعدلة منذ",
 "Settings": "الإعدادات",
 "Save": "حفظ",
 "Storefront timeout (seconds)": "مهلة المتجر (بالثواني)",
 "Disconnect": "قطع الاتصال",
 "The rewards service could not be reached.": "تعذر الوصول إلى خدمة المكافآت.",
 "The rewards service answered %1$d: %2$s": "ردّت خدمة المكافآت %1$d: %2$s",
 "The rewards service sent an unreadable answer.": "أرسلت خدمة المكافآت ردًا غير مقروء.",
 "This is not a Vafa connection token.": "هذا ليس رمز اتصال وفاء.",
 "The connection token is damaged. Copy it again.": "رمز الاتصال تالف. انسخه مرة أخرى.",
 "The rewards service sent an incomplete answer.": "أرسلت خدمة المكافآت ردًا ناقصًا.",
 "Vafa Loyalty needs WooCommerce to award points for orders. Shortcodes keep working for logged-in users.": "تحتاج وفاء إلى ووكومرس لمنح النقاط على الطلبات. تبقى الرموز المختصرة تعمل للمستخدمين المسجلين.",
 "Rewards": "المكافآت",
 "Recent activity": "النشاط الأخير",
 ("Earn %s point", "Earn %s points"): tuple(["اكسب %s نقطة"] * 6),
 ("You will earn %s point with this order", "You will earn %s points with this order"): tuple(["ستكسب %s نقطة مع هذا الطلب"] * 6),
 "Log in to see your points.": "سجّل الدخول لترى نقاطك.",
 "Rewards are temporarily unavailable.": "المكافآت غير متاحة مؤقتًا.",
 "Your points": "نقاطك",
 "Worth %s": "بقيمة %s",
 "Your balance is negative because points you spent were taken back by a refund. New orders will bring it back up.": "رصيدك سالب لأن نقاطًا أنفقتها استُردّت بسبب استرجاع المبلغ. ستعيده الطلبات الجديدة إلى الموجب.",
 "%s points pending (they become available when the return period ends)": "%s نقطة معلّقة (تصبح متاحة بعد انتهاء فترة الإرجاع)",
 "Lifetime points: %s": "مجموع النقاط: %s",
 "Rewards are temporarily unavailable; figures as of %s.": "المكافآت غير متاحة مؤقتًا؛ الأرقام حتى %s.",
 "No points activity yet.": "لا يوجد نشاط للنقاط بعد.",
 "Date": "التاريخ",
 "Activity": "النشاط",
 "Points": "النقاط",
 "Older activity": "نشاط أقدم",
 "Points for order #%s": "نقاط الطلب #%s",
 "Refund or cancellation of order #%s": "استرجاع أو إلغاء الطلب #%s",
 "Points for order #%s are now available": "نقاط الطلب #%s متاحة الآن",
 "Points from your guest orders": "نقاط طلباتك كزائر",
 "Adjustment by the store": "تعديل من المتجر",
 "Points activity": "نشاط النقاط",
 "Vafa: %s": "وفاء: %s",
}

LANGS = {
 "fa_IR": (FA, "Persian", "nplurals=2; plural=(n > 1);"),
 "ar": (AR, "Arabic", "nplurals=6; plural=(n == 0) ? 0 : ((n == 1) ? 1 : ((n == 2) ? 2 : ((n % 100 >= 3 && n % 100 <= 10) ? 3 : ((n % 100 >= 11 && n % 100 <= 99) ? 4 : 5))));"),
}

def unquote(lines):
    return "".join(eval(l) for l in lines)

def read_pot(path):
    entries, cur, key = [], {}, None
    for line in open(path, encoding="utf-8"):
        line = line.rstrip("\n")
        if not line.strip():
            if cur: entries.append(cur); cur, key = {}, None
            continue
        if line.startswith("#"):
            cur.setdefault("comments", []).append(line); continue
        m = re.match(r'^(msgid_plural|msgid|msgstr(?:\[\d\])?) (".*")$', line)
        if m:
            key = m.group(1); cur[key] = [m.group(2)]
        elif line.startswith('"') and key:
            cur[key].append(line)
    if cur: entries.append(cur)
    return entries

def q(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'

def main():
    pot = read_pot(os.path.join(LANG, "vafa.pot"))
    missing = []
    for code, (table, name, plural) in LANGS.items():
        out = [f'# {name} translation of Vafa Loyalty.', 'msgid ""', 'msgstr ""',
               q("Project-Id-Version: Vafa Loyalty 0.1.0\n"), q(f"Language: {code}\n"),
               q("MIME-Version: 1.0\n"), q("Content-Type: text/plain; charset=UTF-8\n"),
               q("Content-Transfer-Encoding: 8bit\n"), q(f"Plural-Forms: {plural}\n"), ""]
        for e in pot:
            msgid = unquote(e.get("msgid", ['""']))
            if msgid == "":
                continue
            out += [c for c in e.get("comments", []) if c.startswith("#.") or c.startswith("#,")]
            if "msgid_plural" in e:
                plural_id = unquote(e["msgid_plural"])
                forms = table.get((msgid, plural_id))
                if not forms: missing.append((code, msgid)); continue
                out += ["msgid " + q(msgid), "msgid_plural " + q(plural_id)]
                out += [f"msgstr[{i}] " + q(f) for i, f in enumerate(forms)]
            else:
                t = table.get(msgid)
                if not t: missing.append((code, msgid)); continue
                out += ["msgid " + q(msgid), "msgstr " + q(t)]
            out.append("")
        po = os.path.join(LANG, f"vafa-{code}.po")
        open(po, "w", encoding="utf-8").write("\n".join(out))
        subprocess.run(["msgfmt", "--check", "-o", os.path.join(LANG, f"vafa-{code}.mo"), po], check=True)
    if missing:
        for code, m in missing: print(f"missing {code}: {m!r}", file=sys.stderr)
        sys.exit(1)

main()
