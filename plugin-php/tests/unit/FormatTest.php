<?php
// phpcs:ignoreFile -- tests.
use PHPUnit\Framework\TestCase;
use Vafa\Format;

final class FormatTest extends TestCase {
	public static function points_cases(): array {
		return array(
			'english'           => array( 1234567, 'en_US', '1,234,567' ),
			'persian digits'    => array( 1234567, 'fa_IR', '۱٬۲۳۴٬۵۶۷' ),
			'arabic digits'     => array( 145, 'ar', '١٤٥' ),
			'negative english'  => array( -40, 'en_US', '-40' ),
			'negative persian'  => array( -40, 'fa_IR', "\u{200E}-۴۰" ),
			'zero'              => array( 0, 'fa_IR', '۰' ),
		);
	}

	/** @dataProvider points_cases */
	public function test_points( int $points, string $locale, string $want ): void {
		$this->assertSame( $want, Format::points( $points, $locale ) );
	}

	public static function decimal_cases(): array {
		return array(
			'english'        => array( '1.25', 'en_US', '1.25' ),
			'persian'        => array( '1.25', 'fa_IR', '۱٫۲۵' ),
			'arabic'         => array( '1.5', 'ar', '١٫٥' ),
			'whole persian'  => array( '2', 'fa_IR', '۲' ),
		);
	}

	/** @dataProvider decimal_cases */
	public function test_decimal( string $decimal, string $locale, string $want ): void {
		$this->assertSame( $want, Format::decimal( $decimal, $locale ) );
	}

	public static function money_cases(): array {
		return array(
			'usd'                  => array( 12345, 2, 'USD', 'en_US', '123.45 USD' ),
			'usd cents'            => array( 5, 2, 'USD', 'en_US', '0.05 USD' ),
			'usd negative'         => array( -40, 2, 'USD', 'en_US', '-0.40 USD' ),
			'irr has no decimals'  => array( 1450000, 0, 'IRR', 'fa_IR', '۱٬۴۵۰٬۰۰۰ ریال' ),
			'irt has no decimals'  => array( 145000, 0, 'IRT', 'fa_IR', '۱۴۵٬۰۰۰ تومان' ),
			'irr in arabic'        => array( 1000, 0, 'IRR', 'ar', '١٬٠٠٠ ريال' ),
			'usd in persian'       => array( 12345, 2, 'USD', 'fa_IR', '۱۲۳٫۴۵ USD' ),
		);
	}

	/** @dataProvider money_cases */
	public function test_money( int $minor, int $exp, string $currency, string $locale, string $want ): void {
		$this->assertSame( $want, Format::money( $minor, $exp, $currency, $locale ) );
	}

	public static function date_cases(): array {
		// 2026-12-23 00:00 UTC is 03:30 in Tehran: 2 Dey 1405 in the Jalali calendar.
		return array(
			'persian is jalali'      => array( 1797984000, 'fa_IR', false, '۲ دی ۱۴۰۵' ),
			'arabic months, digits'  => array( 1797984000, 'ar', false, '٢٣ ديسمبر ٢٠٢٦' ),
			'english keeps format'   => array( 1797984000, 'en_US', false, 'December 23, 2026' ),
			'persian with the time'  => array( 1797984000, 'fa_IR', true, '۲ دی ۱۴۰۵ ساعت ۳:۳۰' ),
		);
	}

	/** @return array<string,array{0:string}> */
	public static function service_times(): array {
		return array(
			'utc'                 => array( '2026-11-01T10:00:00Z' ),
			'utc with a fraction' => array( '2026-11-24T00:11:24.220925Z' ),
			'positive offset'     => array( '2026-03-20T23:30:00+03:30' ),
			'negative offset'     => array( '2026-12-31T22:15:07-05:00' ),
			'leap day'            => array( '2028-02-29T00:00:00Z' ),
			'not rfc 3339'        => array( '2026-11-01 10:00:00 UTC' ),
			'empty'               => array( '' ),
			'garbage'             => array( 'next tuesday-ish?' ),
		);
	}

	/** @dataProvider service_times */
	public function test_unix_reads_what_strtotime_reads( string $time ): void {
		$want = strtotime( $time );
		$this->assertSame( false === $want ? 0 : $want, Format::unix( $time ) );
	}

	/** A list's dates, written at once, are what date() writes for each, under the same keys. */
	public function test_dates_match_date(): void {
		vafa_test_reset();
		update_option( 'timezone_string', 'Asia/Tehran' );
		update_option( 'date_format', 'F j, Y' );
		$stamps = array( 3 => 1797984000, 7 => 1797984000 + 86400 * 40, 9 => 1700000000 );
		foreach ( array( 'fa_IR', 'ar', 'en_US' ) as $locale ) {
			$want = array();
			foreach ( $stamps as $k => $ts ) {
				$want[ $k ] = Format::date( $ts, $locale );
			}
			$this->assertSame( $want, Format::dates( $stamps, $locale ), $locale );
		}
		$this->assertSame( array( 'December 23, 2026', 'February 1, 2027' ), Format::dates( array( 1797984000, 1797984000 + 86400 * 40 ), 'en_US' ) );
		$this->assertSame( array(), Format::dates( array(), 'fa_IR' ) );
	}

	/** @dataProvider date_cases */
	public function test_date( int $ts, string $locale, bool $with_time, string $want ): void {
		vafa_test_reset();
		update_option( 'timezone_string', 'Asia/Tehran' );
		update_option( 'date_format', 'F j, Y' );
		update_option( 'time_format', 'g:i a' );
		$this->assertSame( $want, Format::date( $ts, $locale, $with_time ) );
	}

	public function test_rtl(): void {
		$this->assertTrue( Format::is_rtl( 'fa_IR' ) );
		$this->assertTrue( Format::is_rtl( 'ar' ) );
		$this->assertFalse( Format::is_rtl( 'en_US' ) );
	}
}
