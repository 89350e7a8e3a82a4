<?php
// phpcs:ignoreFile -- tests.
use PHPUnit\Framework\TestCase;
use Vafa\Referrals\Cookie;

final class ReferralCookieTest extends TestCase {
	const NOW = 1795000000;

	public static function code_cases(): array {
		return array(
			'a code'             => array( 'k7qxm4tzb', 'K7QXM4TZB' ),
			'six characters'     => array( 'ABC123', 'ABC123' ),
			'sixteen characters' => array( str_repeat( 'A', 16 ), str_repeat( 'A', 16 ) ),
			'too short'          => array( 'ABC12', null ),
			'too long'           => array( str_repeat( 'A', 17 ), null ),
			'script tag'         => array( '<script>alert(1)</script>', null ),
			'10 KB'              => array( str_repeat( 'A', 10240 ), null ),
			'unicode letters'    => array( 'کدمعرفی۱۲۳', null ),
			'unicode digits'     => array( 'ABC١٢٣', null ),
			'dash'               => array( 'AMIR-7Q', null ),
			'newline at the end' => array( "ABC123\n", null ),
			'not a string'       => array( array( 'ABC123' ), null ),
			'null'               => array( null, null ),
		);
	}

	/** @dataProvider code_cases */
	public function test_code( $in, ?string $want ): void {
		$this->assertSame( $want, Cookie::code( $in ) );
	}

	public static function parse_cases(): array {
		$day = 86400;
		return array(
			'just captured'               => array( 'K7QXM4TZB.' . self::NOW, 'K7QXM4TZB' ),
			'day 29 of 30 counts'         => array( 'K7QXM4TZB.' . ( self::NOW - 29 * $day ), 'K7QXM4TZB' ),
			'the last second of day 30'   => array( 'K7QXM4TZB.' . ( self::NOW - 30 * $day ), 'K7QXM4TZB' ),
			'day 31 does not'             => array( 'K7QXM4TZB.' . ( self::NOW - 31 * $day ), null ),
			'a browser clock an hour ahead' => array( 'K7QXM4TZB.' . ( self::NOW + 3600 ), 'K7QXM4TZB' ),
			'stamped two days ahead'      => array( 'K7QXM4TZB.' . ( self::NOW + 2 * $day ), null ),
			'lower case code'             => array( 'k7qxm4tzb.' . self::NOW, 'K7QXM4TZB' ),
			'no time'                     => array( 'K7QXM4TZB', null ),
			'script in the code'          => array( '<script>.' . self::NOW, null ),
			'script in the time'          => array( 'K7QXM4TZB.<script>', null ),
			'10 KB'                       => array( str_repeat( 'A', 10240 ) . '.' . self::NOW, null ),
			'unicode'                     => array( 'کدمعرفی۱۲۳.' . self::NOW, null ),
			'two dots'                    => array( 'K7QXM4TZB.1.2', null ),
			'not a string'                => array( 42, null ),
		);
	}

	/** @dataProvider parse_cases */
	public function test_parse( $raw, ?string $want ): void {
		$this->assertSame( $want, Cookie::parse( $raw, self::NOW, 30 ) );
	}

	public function test_value_round_trips(): void {
		$this->assertSame( 'K7QXM4TZB', Cookie::parse( Cookie::value( 'K7QXM4TZB', self::NOW ), self::NOW, 30 ) );
	}
}
