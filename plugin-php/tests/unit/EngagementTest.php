<?php
/**
 * The engagement pieces that are pure: the event signature, birthdays and
 * the bonus labels.
 *
 * @package Vafa
 */

// phpcs:ignoreFile -- tests.
use PHPUnit\Framework\TestCase;
use Vafa\Bonuses\Birthday;
use Vafa\Bonuses\Kinds;
use Vafa\Bonuses\Receiver;

final class EngagementTest extends TestCase {
	/**
	 * A body signed as the Go service signs it (internal/outbound.Sign:
	 * base64 of HMAC-SHA256), computed here independently.
	 */
	public function test_signature_matches_the_services_and_nothing_else(): void {
		$secret = str_repeat( 'ab', 32 );
		$body   = '{"id":8812,"type":"points.earned","customer":{"id":7,"email":"a@example.com"},"data":{"points":50}}';
		$sig    = base64_encode( hash_hmac( 'sha256', $body, $secret, true ) );
		$this->assertTrue( Receiver::signed( $body, $sig, $secret ) );
		$this->assertTrue( Receiver::signed( $body, ' ' . $sig . "\r\n", $secret ), 'surrounding whitespace of a header is ignored' );
		$this->assertFalse( Receiver::signed( $body . ' ', $sig, $secret ), 'a changed body' );
		$this->assertFalse( Receiver::signed( str_replace( '50', '5000', $body ), $sig, $secret ), 'a changed amount' );
		$this->assertFalse( Receiver::signed( $body, $sig, $secret . 'x' ), 'another secret' );
		$this->assertFalse( Receiver::signed( $body, '', $secret ), 'no signature' );
		$this->assertFalse( Receiver::signed( $body, $sig, '' ), 'no secret registered: nothing is accepted' );
		$this->assertFalse( Receiver::signed( $body, bin2hex( hash_hmac( 'sha256', $body, $secret, true ) ), $secret ), 'hex is not base64' );
	}

	/**
	 * @dataProvider birthdays
	 */
	public function test_birthday_dates( int $month, int $day, bool $valid ): void {
		$this->assertSame( $valid, Birthday::valid( $month, $day ) );
	}

	public static function birthdays(): array {
		return array(
			'29 February (leap day)' => array( 2, 29, true ),
			'30 February'            => array( 2, 30, false ),
			'31 April'               => array( 4, 31, false ),
			'31 December'            => array( 12, 31, true ),
			'month 0'                => array( 0, 10, false ),
			'month 13'               => array( 13, 1, false ),
			'day 0'                  => array( 5, 0, false ),
		);
	}

	public function test_birthday_labels(): void {
		$this->assertSame( '29 February', Birthday::label( 2, 29, 'en_US' ) );
		if ( class_exists( '\IntlDateFormatter' ) ) {
			$this->assertSame( '۲۹ فوریهٔ', Birthday::label( 2, 29, 'fa_IR' ), 'a Gregorian date in Persian, not converted to the Jalali calendar' );
			$this->assertSame( 'فوریه', Birthday::month_name( 2, 'fa_IR' ) );
		}
	}

	public function test_every_bonus_kind_has_a_label_and_others_none(): void {
		foreach ( Kinds::BONUSES as $kind ) {
			$this->assertNotSame( '', Kinds::label( $kind ), $kind );
		}
		$this->assertSame( 'Spring gift for our regulars', Kinds::label( 'campaign_bonus', 'Spring gift for our regulars' ) );
		$this->assertSame( '', Kinds::label( 'order_earn' ) );
	}
}
