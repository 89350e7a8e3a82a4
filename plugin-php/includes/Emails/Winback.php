<?php
/**
 * E-mail: win-back.
 *
 * @package Vafa
 */

namespace Vafa\Emails;

use Vafa\Format;

defined( 'ABSPATH' ) || exit;

/**
 * Sent for winback: a customer whose last order is some time ago, with the
 * points or the reward code the store gives to bring them back.
 */
class Winback extends Email {
	const EVENT = 'winback';

	/**
	 * Constructor.
	 */
	public function __construct() {
		$this->id          = 'vafa_winback';
		$this->title       = __( 'Vafa: win-back', 'vafa' );
		$this->description = __( 'Sent to customers who have not ordered for a while (set on the Vafa bonuses page), with the points or reward that welcomes them back.', 'vafa' );
		parent::__construct();
	}

	/**
	 * Default subject.
	 */
	public function get_default_subject() {
		return __( 'We miss you at {site_title}', 'vafa' );
	}

	/**
	 * Default heading.
	 */
	public function get_default_heading() {
		return __( 'We miss you', 'vafa' );
	}

	/**
	 * Template variables.
	 *
	 * @return array<string,mixed>
	 */
	protected function template_args(): array {
		$r = is_array( $this->data()['redemption'] ?? null ) ? $this->data()['redemption'] : null;
		return array(
			'days'    => Format::integer( (int) ( $this->data()['days_inactive'] ?? 0 ), $this->locale ),
			'points'  => (int) ( $this->data()['points'] ?? 0 ),
			'code'    => $r ? strtoupper( (string) ( $r['code'] ?? '' ) ) : '',
			'value'   => $r ? $this->reward_value( $r ) : '',
			'expires' => $r ? $this->date( $r['expires_at'] ?? '' ) : '',
		);
	}
}
