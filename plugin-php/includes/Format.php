<?php
/**
 * Numbers and money for English, Persian and Arabic storefronts.
 *
 * @package Vafa
 */

namespace Vafa;

defined( 'ABSPATH' ) || exit;

/**
 * Formats points and money in the locale's digits and separators. Currencies
 * without decimals (IRR, IRT) never show decimals.
 */
final class Format {
	const PERSIAN_DIGITS = array( '۰', '۱', '۲', '۳', '۴', '۵', '۶', '۷', '۸', '۹' );
	const ARABIC_DIGITS  = array( '٠', '١', '٢', '٣', '٤', '٥', '٦', '٧', '٨', '٩' );

	/**
	 * Date formatters made in this request, by ICU locale, style and zone.
	 *
	 * @var array<string,\IntlDateFormatter>
	 */
	private static $formatters = array();

	/**
	 * Points as the locale writes them: 1,234 / ۱٬۲۳۴ / ١٬٢٣٤.
	 *
	 * @param int    $points Whole points, possibly negative.
	 * @param string $locale WordPress locale (en_US, fa_IR, ar).
	 */
	public static function points( int $points, string $locale ): string {
		return self::integer( $points, $locale );
	}

	/**
	 * Money from minor units with the currency's exponent.
	 *
	 * @param int    $minor    Amount in minor units.
	 * @param int    $exponent Currency exponent (2 for USD, 0 for IRR).
	 * @param string $currency ISO code.
	 * @param string $locale   WordPress locale.
	 */
	public static function money( int $minor, int $exponent, string $currency, string $locale ): string {
		if ( in_array( strtoupper( $currency ), array( 'IRR', 'IRT' ), true ) ) {
			$exponent = 0 === $exponent ? 0 : $exponent;
			$major    = intdiv( $minor, 10 ** $exponent );
			$text     = self::integer( $major, $locale );
		} else {
			$neg   = $minor < 0;
			$abs   = abs( $minor );
			$unit  = 10 ** $exponent;
			$text  = self::integer( intdiv( $abs, $unit ), $locale );
			if ( $exponent > 0 ) {
				$frac  = str_pad( (string) ( $abs % $unit ), $exponent, '0', STR_PAD_LEFT );
				$text .= self::decimal_separator( $locale ) . self::digits( $frac, $locale );
			}
			if ( $neg ) {
				$text = self::minus( $locale ) . $text;
			}
		}
		return $text . ' ' . self::currency_label( $currency, $locale );
	}

	/**
	 * A whole number with grouping in the locale's digits.
	 *
	 * @param int    $n      Number.
	 * @param string $locale Locale.
	 */
	public static function integer( int $n, string $locale ): string {
		$neg     = $n < 0;
		$grouped = number_format( abs( $n ), 0, '.', "\x00" );
		$grouped = str_replace( "\x00", self::group_separator( $locale ), $grouped );
		return ( $neg ? self::minus( $locale ) : '' ) . self::digits( $grouped, $locale );
	}

	/**
	 * A plain decimal such as "1.25" in the locale's digits and decimal
	 * separator (۱٫۲۵ in Persian).
	 *
	 * @param string $decimal Digits with an optional "." and fraction.
	 * @param string $locale  Locale.
	 */
	public static function decimal( string $decimal, string $locale ): string {
		return self::digits( str_replace( '.', self::decimal_separator( $locale ), $decimal ), $locale );
	}

	/**
	 * Replaces ASCII digits with the locale's.
	 *
	 * @param string $s      Text.
	 * @param string $locale Locale.
	 */
	public static function digits( string $s, string $locale ): string {
		$lang = self::lang( $locale );
		if ( 'fa' === $lang ) {
			return str_replace( range( '0', '9' ), self::PERSIAN_DIGITS, $s );
		}
		if ( 'ar' === $lang ) {
			return str_replace( range( '0', '9' ), self::ARABIC_DIGITS, $s );
		}
		return $s;
	}

	/**
	 * A date (and optionally the time) in the site's time zone as the locale
	 * writes it. Persian uses the Solar Hijri (Jalali) calendar through ICU
	 * (PHP intl) with Persian digits and month names; Arabic uses ICU's Arabic
	 * month names and digits; other locales keep the site's date format.
	 * Without intl, the site's format with the locale's digits.
	 *
	 * @param int    $timestamp Unix time.
	 * @param string $locale    WordPress locale.
	 * @param bool   $with_time Whether to add the time of day.
	 */
	public static function date( int $timestamp, string $locale, bool $with_time = false ): string {
		return self::dates( array( $timestamp ), $locale, $with_time )[0];
	}

	/**
	 * A time the service wrote (RFC 3339, as Go writes it: UTC with a 'Z'
	 * or an offset, seconds maybe with a fraction) as a Unix time, 0 when
	 * it is not one. strtotime() reads these too but takes about 14
	 * microseconds on this machine (PHP's general date parser); an activity
	 * page has ten, a product page one per time-limited earning rule.
	 *
	 * @param string $time The service's time.
	 */
	public static function unix( string $time ): int {
		if ( preg_match( '/^(\d{4})-(\d\d)-(\d\d)[Tt ](\d\d):(\d\d):(\d\d)(?:\.\d+)?(?:([Zz])|([+-])(\d\d):(\d\d))$/', $time, $m ) ) {
			$t = gmmktime( (int) $m[4], (int) $m[5], (int) $m[6], (int) $m[2], (int) $m[3], (int) $m[1] );
			if ( empty( $m[7] ) ) {
				$t -= ( '-' === $m[8] ? -1 : 1 ) * ( (int) $m[9] * 3600 + (int) $m[10] * 60 );
			}
			return (int) $t;
		}
		$t = '' !== $time ? strtotime( $time ) : false;
		return false === $t ? 0 : (int) $t;
	}

	/**
	 * Several dates as date() writes each, for a list: the site's zone,
	 * format and the formatter are looked up once for all of them (ten
	 * activity rows each reading the options and building the zone cost
	 * about half a millisecond of a page view).
	 *
	 * @param int[]  $timestamps Unix times.
	 * @param string $locale     WordPress locale.
	 * @param bool   $with_time  Whether to add the time of day.
	 * @return string[] In the same order, with the same keys.
	 */
	public static function dates( array $timestamps, string $locale, bool $with_time = false ): array {
		if ( ! $timestamps ) {
			return array();
		}
		$lang = self::lang( $locale );
		$tz   = wp_timezone();
		if ( in_array( $lang, array( 'fa', 'ar' ), true ) && class_exists( '\IntlDateFormatter' ) ) {
			/**
			 * The ICU locale for dates; Persian stores get the Jalali calendar by
			 * default, a store that prefers Gregorian can return 'fa_IR'.
			 *
			 * @param string $icu    ICU locale with an optional calendar keyword.
			 * @param string $locale WordPress locale.
			 */
			$icu  = (string) apply_filters( 'vafa_date_icu_locale', 'fa' === $lang ? 'fa_IR@calendar=persian' : 'ar', $locale );
			$memo = $icu . '|' . ( $with_time ? 't' : 'd' ) . '|' . $tz->getName();
			// Making a formatter loads ICU's calendar and locale data (about
			// 0.1 ms): one per request serves every list and box.
			if ( ! isset( self::$formatters[ $memo ] ) ) {
				self::$formatters[ $memo ] = new \IntlDateFormatter(
					$icu,
					\IntlDateFormatter::LONG,
					$with_time ? \IntlDateFormatter::SHORT : \IntlDateFormatter::NONE,
					$tz,
					false !== strpos( $icu, 'calendar=' ) ? \IntlDateFormatter::TRADITIONAL : \IntlDateFormatter::GREGORIAN
				);
			}
			$out = array();
			foreach ( $timestamps as $k => $timestamp ) {
				$text = self::$formatters[ $memo ]->format( (int) $timestamp );
				if ( ! is_string( $text ) || '' === $text ) {
					$out = null; // ICU refused: the site's format for all, as without intl.
					break;
				}
				$out[ $k ] = $text;
			}
			if ( null !== $out ) {
				return $out;
			}
		}
		$format = (string) get_option( 'date_format', 'Y-m-d' ) . ( $with_time ? ' ' . (string) get_option( 'time_format', 'H:i' ) : '' );
		$out    = array();
		foreach ( $timestamps as $k => $timestamp ) {
			$out[ $k ] = self::digits( wp_date( $format, (int) $timestamp, $tz ), $locale );
		}
		return $out;
	}

	/**
	 * Whether the locale is written right to left.
	 *
	 * @param string $locale Locale.
	 */
	public static function is_rtl( string $locale ): bool {
		return in_array( self::lang( $locale ), array( 'fa', 'ar', 'he', 'ur' ), true );
	}

	private static function lang( string $locale ): string {
		return strtolower( substr( $locale, 0, 2 ) );
	}

	private static function group_separator( string $locale ): string {
		return in_array( self::lang( $locale ), array( 'fa', 'ar' ), true ) ? '٬' : ',';
	}

	private static function decimal_separator( string $locale ): string {
		return in_array( self::lang( $locale ), array( 'fa', 'ar' ), true ) ? '٫' : '.';
	}

	private static function minus( string $locale ): string {
		// A left-to-right mark keeps the sign before the digits in RTL text.
		return in_array( self::lang( $locale ), array( 'fa', 'ar' ), true ) ? "\u{200E}-" : '-';
	}

	private static function currency_label( string $currency, string $locale ): string {
		$currency = strtoupper( $currency );
		$lang     = self::lang( $locale );
		$labels   = array(
			'IRR' => array(
				'fa' => 'ریال',
				'ar' => 'ريال',
			),
			'IRT' => array(
				'fa' => 'تومان',
				'ar' => 'تومان',
			),
		);
		return $labels[ $currency ][ $lang ] ?? $currency;
	}
}
